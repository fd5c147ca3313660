/* The run folder and the files that open it (run_folder.h). */
#include "runner/run/run_folder.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "reports/mkdir_p.h"
#include "reports/results_csv.h"
#include "runner/util/printable.h"

void vp_run_folder_default(struct vp_plan *plan)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* The process id makes two runs started in one second two
	 * folders (the second would find the first's and stop). */
	if (!plan->output[0])
		snprintf(plan->output, sizeof(plan->output), "results/%s-%ld",
			 stamp, (long)getpid());
	if (!plan->run_id[0])
		snprintf(plan->run_id, sizeof(plan->run_id), "%s-%ld", stamp,
			 (long)getpid());
}

static int make_dirs(const char *path, char *err, size_t errlen)
{
	char failed[PATH_MAX];
	int rc = vp_mkdir_p(path, failed, sizeof(failed));
	if (rc)
		snprintf(err, errlen,
			 "cannot create run folder %s: %s (choose another with "
			 "-o DIR)",
			 failed, strerror(-rc));
	return rc;
}

/* A run folder is new or empty: an earlier run in it would be mixed with
 * this one, and the user's own files (a report.html, a plan.conf...) would
 * be overwritten. Names what is there. */
static int check_folder(const char *dir, char *err, size_t errlen)
{
	char shown[256], list[512] = "";
	struct stat st;
	vp_printable(dir, shown, sizeof(shown));
	if (stat(dir, &st) != 0)
		return 0; /* made below; errors named there */
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen,
			 "run folder %s exists and is not a folder; choose a "
			 "new one with -o DIR",
			 shown);
		return -ENOTDIR;
	}
	DIR *d = opendir(dir);
	if (!d)
		return 0; /* unreadable: creating the files says why */
	size_t n = 0, o = 0;
	bool run = false;
	for (struct dirent *e; (e = readdir(d));) {
		char name[96];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		run |= strcmp(e->d_name, "results.csv") == 0;
		if (n++ < 5 && o < sizeof(list))
			o += (size_t)snprintf(
			    list + o, sizeof(list) - o, "%s%s",
			    n > 1 ? ", " : "",
			    vp_printable(e->d_name, name, sizeof(name)));
	}
	closedir(d);
	if (n > 5 && o < sizeof(list))
		snprintf(list + o, sizeof(list) - o, " and %zu more", n - 5);
	if (n == 0)
		return 0;
	if (run)
		snprintf(err, errlen,
			 "run folder %s holds an earlier run (%s); choose a "
			 "new one with -o DIR",
			 shown, list);
	else
		snprintf(err, errlen,
			 "run folder %s is not empty and not a vpbench run "
			 "(it holds %s): refusing to write into it; choose a "
			 "new or empty folder with -o DIR",
			 shown, list);
	return -EEXIST;
}

static int create(struct vp_out_file *f, const char *dir, const char *name,
		  char *err, size_t errlen)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int rc = vp_out_open(f, path, err, errlen);
	if (rc)
		snprintf(
		    err, errlen, "cannot create %s: %s%s", path, strerror(-rc),
		    rc == -EEXIST ? " (the folder holds an earlier run; "
				    "choose a new one with -o DIR)"
				  : " (choose another folder with -o DIR)");
	return rc;
}

/* Writes fields as one CSV record; 1 with the path and errno text when
 * the write failed. */
static int write_record(struct vp_out_file *f, const char *const *fields,
			size_t n, char *err, size_t errlen)
{
	size_t len;
	char *text = vp_csv_record_text(fields, n, &len);
	int rc = text ? vp_out_write(f, text, len) : -ENOMEM;
	free(text);
	if (rc)
		vp_out_error(f, err, errlen);
	return rc ? 1 : 0;
}

/* plan.conf: the plan as text in memory, then one whole write. */
static int write_plan(const struct vp_plan *plan, const char *dir, char *err,
		      size_t errlen)
{
	struct vp_out_file f;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int rc = m ? vp_plan_write(plan, m) : -ENOMEM;
	if (m && fclose(m) != 0 && !rc)
		rc = -ENOMEM;
	if (rc) {
		free(text);
		snprintf(err, errlen, "cannot write plan.conf: %s",
			 strerror(-rc));
		return 1;
	}
	rc = create(&f, dir, "plan.conf", err, errlen);
	if (rc) {
		free(text);
		return 2;
	}
	rc = vp_out_write(&f, text, len);
	free(text);
	if (vp_out_close(&f) || rc) {
		vp_out_error(&f, err, errlen);
		return 1;
	}
	return 0;
}

int vp_run_folder_open(const struct vp_plan *plan, struct vp_run_files *f,
		       char *err, size_t errlen)
{
	const char *dir = plan->output;
	f->results.fd = f->env.fd = -1;
	if (check_folder(dir, err, errlen) || make_dirs(dir, err, errlen) ||
	    create(&f->results, dir, "results.csv", err, errlen) ||
	    create(&f->env, dir, "env.csv", err, errlen))
		return 2;
	int rc = write_record(&f->results, vp_results_columns, VP_RESULTS_NCOLS,
			      err, errlen);
	if (!rc)
		rc = write_record(&f->env, vp_env_columns, VP_ENV_NCOLS, err,
				  errlen);
	if (!rc)
		rc = write_plan(plan, dir, err, errlen);
	return rc;
}

int vp_run_folder_close(struct vp_run_files *f)
{
	int a = vp_out_close(&f->results), b = vp_out_close(&f->env);
	return a ? a : b;
}
