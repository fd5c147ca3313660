/* A small strict JSON reader (RFC 8259) for QMP replies: parses one text
 * into a tree of nodes, members and elements in document order. Unsigned
 * integers are kept exactly (QMP statistics are uint64 counters that a
 * double would round above 2^53). Nesting is limited to VP_JSON_MAX_DEPTH
 * so a hostile reply cannot exhaust the stack.
 *
 * Lifecycle: vp_json_parse -> walk with vp_json_get / child / next ->
 * vp_json_free. Nodes are read only. */
#ifndef VP_JSON_H
#define VP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VP_JSON_MAX_DEPTH 64

enum vp_json_type {
	VP_JSON_NULL,
	VP_JSON_BOOL,
	VP_JSON_NUMBER,
	VP_JSON_STRING,
	VP_JSON_ARRAY,
	VP_JSON_OBJECT,
};

struct vp_json {
	enum vp_json_type type;
	char *key;	       /* member name inside an object, else NULL */
	char *str;	       /* VP_JSON_STRING: the decoded UTF-8 text */
	double num;	       /* VP_JSON_NUMBER */
	uint64_t u;	       /* VP_JSON_NUMBER with is_uint */
	bool is_uint;	       /* a non-negative integer that fits in 64 bits */
	bool b;		       /* VP_JSON_BOOL */
	struct vp_json *child; /* first member / element */
	struct vp_json *next;  /* next sibling */
};

/* Parses text[0..len) (one value, blanks around it allowed). Returns 0 and
 * the tree in *out, -EINVAL with "offset N: what was expected" in err, or
 * -ENOMEM. */
int vp_json_parse(const char *text, size_t len, struct vp_json **out, char *err,
		  size_t errlen);
void vp_json_free(struct vp_json *j);

/* The member `key` of an object (the first one when repeated), or NULL
 * when j is not an object or has no such member. */
const struct vp_json *vp_json_get(const struct vp_json *j, const char *key);
/* The string value of member key, or NULL when absent or not a string. */
const char *vp_json_get_str(const struct vp_json *j, const char *key);
/* Number of members / elements. */
size_t vp_json_count(const struct vp_json *j);

#endif
