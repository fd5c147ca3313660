/* Workload option tables (fio/redis style): each workload declares
 * {name, type, offset, default, min, max, help} and the runner applies
 * `-O KEY=VALUE` to every selected workload that declares KEY. Out-of-range
 * values are refused with the bounds in the message. */
#ifndef VP_OPTIONS_H
#define VP_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

enum vp_opt_type {
	VP_OPT_INT,  /* int64_t, plain integer */
	VP_OPT_SIZE, /* uint64_t bytes, accepts k/M/G/T suffixes (1024-based) */
	VP_OPT_DOUBLE, /* double */
	VP_OPT_STRING, /* char[VP_OPT_STRING_MAX] */
	VP_OPT_CHOICE, /* char[VP_OPT_STRING_MAX], one of `choices` */
};

#define VP_OPT_STRING_MAX 256

struct vp_option {
	const char *name;
	enum vp_opt_type type;
	size_t offset;	     /* into the workload's options struct */
	const char *def;     /* default, as text (parsed like user input) */
	double min, max;     /* bounds for INT/SIZE/DOUBLE (inclusive) */
	const char *choices; /* VP_OPT_CHOICE: "a|b|c" */
	const char *help;
};

#define VP_OPT_END                                                             \
	{                                                                      \
		0                                                              \
	}

/* Writes every default into `opts` (opts_size bytes, zeroed first).
 * Returns 0, or -EINVAL with a message when a default itself is bad (a bug). */
int vp_options_defaults(const struct vp_option *table, void *opts,
			size_t opts_size, char *err, size_t errlen);
/* Finds `name` in table, NULL if absent. */
const struct vp_option *vp_options_find(const struct vp_option *table,
					const char *name);
/* Parses `value` for option `o` into opts. Returns 0 or -EINVAL / -ERANGE
 * with a message such as "bs=3G is out of range: must be 512 .. 64M". */
int vp_option_set(const struct vp_option *o, void *opts, const char *value,
		  char *err, size_t errlen);
/* Formats the option's current value in opts (sizes with suffix). */
void vp_option_format(const struct vp_option *o, const void *opts, char *buf,
		      size_t len);
/* 1 when value is one of "a|b|c" (the run keys' choices use it too). */
int vp_choice_valid(const char *choices, const char *value);
/* Parses a size such as "4k", "256M", "1G" or "4096". Returns 0 or -EINVAL. */
int vp_parse_size(const char *s, uint64_t *out);
/* Formats a byte count compactly: 4096 -> "4k", 268435456 -> "256M". */
void vp_format_size(uint64_t v, char *buf, size_t len);

#endif
