/* The run keys: one table (fio's fio_options[] habit) naming every
 * `vpbench run` setting once, with its short and long flag, value type,
 * bounds, default and help. Everything else is generated from it: the getopt
 * option arrays, `vpbench run --help`, plan-file reading (vp_plan_set),
 * plan-file writing (vp_plan_write) and the "valid:" lists of error messages.
 * A value is therefore parsed, checked and written by one piece of code.
 *
 * Adding a run key: add a field to struct vp_plan (plan.h) and one entry to
 * vp_plan_keys[] in plan_keys.c. A generic type (UINT, SECONDS, SIZE,
 * STRING, CHOICE, BOOL) needs nothing more; a CUSTOM key (lists, enums)
 * brings a set and a format callback (plan_lists.c). */
#ifndef VP_PLAN_KEYS_H
#define VP_PLAN_KEYS_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "workloads/options.h" /* vp_choice_valid */

struct vp_plan;

enum vp_key_type {
	VP_KEY_UINT,	/* unsigned, whole number in [min, max] */
	VP_KEY_SECONDS, /* double seconds, fractions allowed, [min, max] */
	VP_KEY_SIZE,	/* uint64_t bytes, k/M/G/T suffixes, [min, max] */
	VP_KEY_STRING,	/* char[size] */
	VP_KEY_CHOICE,	/* char[size], one of `choices` */
	VP_KEY_BOOL,	/* bool; yes/no in plan files, a bare flag on the CLI */
	VP_KEY_CUSTOM,	/* `set` and `format` callbacks */
	VP_KEY_NONE,	/* CLI-only flag without a plan field (-q, --help) */
};

enum vp_key_flags {
	/* Not a plan key: a command-line flag of `vpbench run` only. */
	VP_KEY_CLI = 1u << 0,
	/* A plan key that is read but never written: it names this run
	 * (folder, id), so a written plan re-runs as a new run. */
	VP_KEY_RUN_LOCAL = 1u << 1,
	/* Each occurrence adds a value instead of replacing it (-O). */
	VP_KEY_REPEAT = 1u << 2,
};

struct vp_plan_key {
	const char *name;    /* plan-file key and long option */
	int flag;	     /* short option letter, 0 for none */
	const char *metavar; /* value name in --help; NULL: takes no value */
	enum vp_key_type type;
	size_t offset;	     /* of the field in struct vp_plan */
	size_t size;	     /* STRING/CHOICE: usable bytes including the NUL */
	double min, max;     /* UINT, SECONDS, SIZE: inclusive bounds */
	const char *choices; /* CHOICE and enum-like CUSTOM: "a|b|c" */
	const char *def; /* default as text, parsed like input; NULL: 0/"" */
	unsigned flags;	 /* enum vp_key_flags */
	/* CUSTOM: parse, check and store `value`; 0 or -EINVAL with a
	 * message naming the valid choices. */
	int (*set)(struct vp_plan *p, const struct vp_plan_key *k,
		   const char *value, char *err, size_t errlen);
	/* CUSTOM: format value number i (only REPEAT keys have i > 0) into
	 * buf. Returns 1 when there is no value i (nothing to write). */
	int (*format)(const struct vp_plan *p, const struct vp_plan_key *k,
		      size_t i, char *buf, size_t len);
	const char *help; /* lines separated by '\n', no default in it */
};

/* The table, terminated by an entry with name NULL. */
extern const struct vp_plan_key vp_plan_keys[];

/* The entry named `name` (plan keys and CLI flags), NULL if none. */
const struct vp_plan_key *vp_plan_key_find(const char *name);
/* The entry getopt_long returns `val` for (see vp_plan_keys_getopt). */
const struct vp_plan_key *vp_plan_key_by_val(int val);

/* Fills a getopt_long option array (room for n entries, zero-terminated)
 * and an optstring ("+:t:w:..." with a leading ':' so missing values are
 * reported as ':'). Long-only keys return 256 + their table index. */
void vp_plan_keys_getopt(struct option *longopts, size_t n, char *shortopts,
			 size_t len);
/* Number of table entries (for sizing the getopt array). */
size_t vp_plan_keys_count(void);

/* Prints the option part of `vpbench run --help`. */
void vp_plan_keys_usage(FILE *f);
/* "targets, workloads, ..., option": the keys a plan file accepts. */
void vp_plan_keys_valid(char *buf, size_t len);

/* Formats the key's value (number i for REPEAT keys) as written to a plan
 * file, before quoting. Returns 1 when the key has nothing to write. */
int vp_plan_key_format(const struct vp_plan *p, const struct vp_plan_key *k,
		       size_t i, char *buf, size_t len);
/* Parses and stores one value of a key (no control bytes: vp_plan_set
 * checks those first). */
int vp_plan_key_set(struct vp_plan *p, const struct vp_plan_key *k,
		    const char *value, char *err, size_t errlen);

/* Shortest "%.*g" text that reads back as exactly v. */
void vp_format_double(double v, char *buf, size_t len);
/* "a|b|c" -> "a, b or c" (for messages and --help). */
void vp_choices_text(const char *choices, char *buf, size_t len);

#endif
