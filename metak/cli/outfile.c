/* outfile.c: writing results. A regular file (or a new one) is replaced
 * atomically: written to a temporary that mkstemp creates beside it, given
 * the old file's permission bits, and renamed over it. Anything else (a
 * device such as /dev/null, a FIFO, a symbolic link) is written through,
 * never replaced. The outputs of one run are committed together: every
 * temporary is written first and every target written through is opened
 * (emptied only at its first write), then those targets and standard
 * output are written, and only then are the temporaries renamed, so a
 * failure before that leaves every target as it was. */
#define _XOPEN_SOURCE 700	/* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static void
cannot(const char *path)
{
	fprintf(stderr, "%s: %s: cannot write: %s\n", prog, path,
	    strerror(errno));
}

/* Writes all of b to fd; 0 or -1 (errno set). */
static int
write_fd(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The permission bits a new file gets: 0666 less the umask. */
static mode_t
new_file_mode(void)
{
	mode_t m = umask(022);

	umask(m);
	return 0666 & ~m;
}

int
outfile_open(struct outfile *of, const char *path)
{
	struct stat st;
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = slash ? slash + 1 : path;

	*of = (struct outfile){ .path = path, .fd = -1 };
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT) {
			cannot(path);
			return -1;
		}
		of->mode = new_file_mode();	/* a new file */
	} else if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		cannot(path);
		return -1;
	} else if (!S_ISREG(st.st_mode)) {
		of->direct = 1;	/* a device, FIFO or link: write through */
		of->fresh = 1;	/* emptied at the first write, not here */
		of->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (of->fd < 0) {
			cannot(path);
			return -1;
		}
		return 0;
	} else {
		of->mode = st.st_mode & 07777;	/* kept for the new copy */
	}
	if ((of->tmp = malloc(dlen + strlen(base) + 16)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	memcpy(of->tmp, path, dlen);
	sprintf(of->tmp + dlen, ".%s.XXXXXX", base);
	if ((of->fd = mkstemp(of->tmp)) < 0) {
		cannot(path);
		free(of->tmp);
		of->tmp = NULL;
		return -1;
	}
	return 0;
}

int
outfile_write(struct outfile *of, const char *data, size_t len)
{
	struct stat st;

	if (of->fresh) {	/* a regular file behind a link: empty it */
		of->fresh = 0;
		if (fstat(of->fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    ftruncate(of->fd, 0) != 0) {
			cannot(of->path);
			return -1;
		}
	}
	if (write_fd(of->fd, data, len) != 0) {
		cannot(of->path);
		return -1;
	}
	return 0;
}

/* Finishes the temporary (permission bits, close) without renaming. */
static int
finish(struct outfile *of)
{
	int bad = 0;

	if (of->fd >= 0) {
		if (of->tmp != NULL && fchmod(of->fd, of->mode) != 0)
			bad = 1;
		if (close(of->fd) != 0)
			bad = 1;
		of->fd = -1;
	}
	if (bad)
		cannot(of->path);
	return bad ? -1 : 0;
}

int
outfile_close(struct outfile *of, int commit)
{
	int rc = 0;

	if (finish(of) != 0)
		commit = 0, rc = -1;
	if (of->tmp != NULL) {
		if (commit && rename(of->tmp, of->path) != 0) {
			cannot(of->path);
			rc = -1;
			commit = 0;
		}
		if (!commit)
			unlink(of->tmp);
		free(of->tmp);
		of->tmp = NULL;
	}
	return commit ? rc : -1;
}

int
write_stdout(const mk_buf *b)
{
	if (b->oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	if ((b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len) ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "%s: writing standard output: %s\n", prog,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Is path standard output ("-", or the file standard output is)? */
static int
is_stdout(const char *path)
{
	return path == NULL || strcmp(path, "-") == 0;
}

int
write_outputs(const struct output *out, size_t n)
{
	struct outfile of[MAX_OUTPUTS];
	size_t opened = 0;
	int rc = -1;

	memset(of, 0, sizeof(of));
	if (n > MAX_OUTPUTS)
		return -1;
	for (size_t i = 0; i < n; i++) {	/* memory first */
		if (out[i].buf->oom) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++) {	/* the temporaries */
		if (is_stdout(out[i].path) || !(out[i].path[0]))
			continue;
		if (outfile_open(&of[opened], out[i].path) != 0)
			goto fail;
		opened++;
		if (of[opened - 1].direct)
			continue;	/* written below, once all are staged */
		if (outfile_write(&of[opened - 1], out[i].buf->data,
		    out[i].buf->len) != 0 || finish(&of[opened - 1]) != 0)
			goto fail;
	}
	for (size_t i = 0, j = 0; i < n; i++) {	/* written through */
		if (is_stdout(out[i].path)) {
			if (write_stdout(out[i].buf) != 0)
				goto fail;
			continue;
		}
		if (of[j].direct && (outfile_write(&of[j], out[i].buf->data,
		    out[i].buf->len) != 0 || finish(&of[j]) != 0))
			goto fail;
		j++;
	}
	rc = 0;
	for (size_t j = 0; j < opened; j++)	/* commit */
		if (outfile_close(&of[j], 1) != 0)
			rc = -1;
	return rc;
fail:
	for (size_t j = 0; j < opened; j++)
		outfile_close(&of[j], 0);
	return -1;
}

int
write_all(const char *path, const mk_buf *b, const char *plotpath,
    const mk_buf *plot)
{
	struct output out[2] = { { plotpath, plot }, { path, b } };

	return plotpath != NULL ? write_outputs(out, 2) :
	    write_outputs(out + 1, 1);
}

/* The file a path names: its device and inode when it exists (following
 * links), else its directory's and its own name. */
static int
same_target(const char *a, const char *b)
{
	struct stat sa, sb;
	int ea, eb;

	if (is_stdout(a) && is_stdout(b))
		return 1;
	ea = is_stdout(a) ? fstat(STDOUT_FILENO, &sa) : stat(a, &sa);
	eb = is_stdout(b) ? fstat(STDOUT_FILENO, &sb) : stat(b, &sb);
	if (ea == 0 && eb == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
		    !S_ISCHR(sa.st_mode);	/* /dev/null twice is fine */
	if (ea == 0 || eb == 0 || is_stdout(a) || is_stdout(b))
		return 0;
	char ra[PATH_MAX], rb[PATH_MAX], da[PATH_MAX], db[PATH_MAX];
	const char *na = strrchr(a, '/'), *nb = strrchr(b, '/');
	snprintf(da, sizeof(da), "%.*s", na ? (int)(na - a) + 1 : 1,
	    na ? a : ".");
	snprintf(db, sizeof(db), "%.*s", nb ? (int)(nb - b) + 1 : 1,
	    nb ? b : ".");
	if (realpath(da, ra) == NULL || realpath(db, rb) == NULL)
		return strcmp(a, b) == 0;
	return strcmp(ra, rb) == 0 && strcmp(na ? na + 1 : a,
	    nb ? nb + 1 : b) == 0;
}

int
outputs_distinct(const char *const *path, const char *const *opt, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			if (path[i] == NULL || path[j] == NULL)
				continue;
			if (same_target(path[i], path[j])) {
				usage_error("%s and %s name the same file (%s)",
				    opt[i], opt[j], path[i]);
				return -1;
			}
		}
	return 0;
}

int
outputs_not_input(const char *input, const char *const *path,
    const char *const *opt, size_t n)
{
	struct stat si, so;

	if (input == NULL || (strcmp(input, "-") == 0 ? fstat(STDIN_FILENO,
	    &si) : stat(input, &si)) != 0 || S_ISCHR(si.st_mode))
		return 0;	/* no file, or a device such as /dev/null */
	for (size_t i = 0; i < n; i++) {
		if (path[i] == NULL)
			continue;
		if ((is_stdout(path[i]) ? fstat(STDOUT_FILENO, &so) :
		    stat(path[i], &so)) != 0)
			continue;	/* a new file is no input */
		if (so.st_dev == si.st_dev && so.st_ino == si.st_ino) {
			int in_std = strcmp(input, "-") == 0;
			usage_error("%s would write into the input file%s%s%s",
			    opt[i], in_std ? " (standard input)" : " ",
			    in_std ? "" : input, in_std || strcmp(path[i],
			    input) == 0 ? "" : " (the same file by another name)");
			return -1;
		}
	}
	return 0;
}
