/* outfile.c: writing results: standard output checked for errors, and
 * output files staged under a temporary name beside the target and
 * renamed only once everything of the run has been written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int
outfile_open(struct outfile *of, const char *path)
{
	size_t n = strlen(path) + 32;

	of->path = path;
	of->fp = NULL;
	if ((of->tmp = malloc(n)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	snprintf(of->tmp, n, "%s.tmp%ld", path, (long)getpid());
	if ((of->fp = fopen(of->tmp, "wb")) == NULL) {
		fprintf(stderr, "%s: %s: cannot write: %s\n", prog, path,
		    strerror(errno));
		free(of->tmp);
		of->tmp = NULL;
		return -1;
	}
	return 0;
}

/* Closes the temporary; with commit, renames it over the target, else
 * removes it. 0, or -1 after a message (the temporary is gone). */
int
outfile_close(struct outfile *of, int commit)
{
	int bad = 0;

	if (of->fp != NULL) {
		bad |= fflush(of->fp) != 0 || ferror(of->fp);
		bad |= fclose(of->fp) != 0;
		of->fp = NULL;
	}
	if (commit && bad)
		fprintf(stderr, "%s: %s: cannot write: %s\n", prog, of->path,
		    strerror(errno));
	else if (commit && rename(of->tmp, of->path) != 0) {
		fprintf(stderr, "%s: %s: cannot write: %s\n", prog, of->path,
		    strerror(errno));
		bad = 1;
	}
	if (!commit || bad)
		remove(of->tmp);
	free(of->tmp);
	of->tmp = NULL;
	return commit && !bad ? 0 : -1;
}

/* Writes b to a new temporary beside path, closed, not yet committed. */
static int
stage(struct outfile *of, const char *path, const mk_buf *b)
{
	if (b->oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	if (outfile_open(of, path) != 0)
		return -1;
	int bad = b->len > 0 && fwrite(b->data, 1, b->len, of->fp) != b->len;
	bad |= fflush(of->fp) != 0;
	bad |= fclose(of->fp) != 0;
	of->fp = NULL;
	if (bad) {
		fprintf(stderr, "%s: %s: cannot write: %s\n", prog, path,
		    strerror(errno));
		outfile_close(of, 0);
		return -1;
	}
	return 0;
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

int
write_all(const char *path, const mk_buf *b, const char *plotpath,
    const mk_buf *plot)
{
	struct outfile op = { 0 }, orep = { 0 };
	int to_file = path != NULL && strcmp(path, "-") != 0;

	if (plotpath != NULL && stage(&op, plotpath, plot) != 0)
		return -1;
	if (to_file && stage(&orep, path, b) != 0)
		goto fail;
	if (!to_file && write_stdout(b) != 0)
		goto fail;
	if (to_file && outfile_close(&orep, 1) != 0)
		goto fail;
	if (plotpath != NULL)
		return outfile_close(&op, 1);
	return 0;
fail:
	if (orep.tmp != NULL)
		outfile_close(&orep, 0);
	if (op.tmp != NULL)
		outfile_close(&op, 0);
	return -1;
}
