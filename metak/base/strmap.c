/* strmap.c: strings to dense ids (0, 1, 2, ... in order of first
 * appearance) by open addressing on an FNV-1a hash, for grouping rows by a
 * column's values in linear time (--by levels, --random groups, --robust
 * clusters). The map keeps its own copies of the keys. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void
mk_strmap_free(mk_strmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->key[i]);
	free(m->key);
	free(m->len);
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

static int
grow(mk_strmap *m)
{
	size_t cap = m->cap ? 2 * m->cap : 64;
	size_t *slot = malloc(cap * sizeof(size_t));

	if (slot == NULL)
		return -1;
	for (size_t i = 0; i < cap; i++)
		slot[i] = SIZE_MAX;
	for (size_t id = 0; id < m->n; id++) {	/* rehash the keys */
		size_t j = hash(m->key[id], m->len[id]) & (cap - 1);
		while (slot[j] != SIZE_MAX)
			j = (j + 1) & (cap - 1);
		slot[j] = id;
	}
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
	return 0;
}

size_t
mk_strmap_id(mk_strmap *m, const char *s, size_t n, int add)
{
	if (m->cap == 0 || 2 * (m->n + 1) > m->cap) {
		if (add && grow(m) != 0)
			return MK_STRMAP_OOM;
		if (!add && m->cap == 0)
			return SIZE_MAX;
	}
	size_t j = hash(s, n) & (m->cap - 1);
	while (m->slot[j] != SIZE_MAX) {
		size_t id = m->slot[j];
		if (m->len[id] == n && memcmp(m->key[id], s, n) == 0)
			return id;
		j = (j + 1) & (m->cap - 1);
	}
	if (!add)
		return SIZE_MAX;
	if (m->n == m->kcap) {	/* room for the keys: doubled */
		size_t kcap = m->kcap ? 2 * m->kcap : 64;
		char **key = realloc(m->key, kcap * sizeof(char *));
		if (key == NULL)
			return MK_STRMAP_OOM;
		m->key = key;
		size_t *len = realloc(m->len, kcap * sizeof(size_t));
		if (len == NULL)
			return MK_STRMAP_OOM;
		m->len = len;
		m->kcap = kcap;
	}
	char *k = malloc(n + 1);
	if (k == NULL)
		return MK_STRMAP_OOM;
	memcpy(k, s, n);
	k[n] = '\0';
	m->key[m->n] = k;
	m->len[m->n] = n;
	m->slot[j] = m->n;
	return m->n++;
}
