/* Builds the embedded guest's initramfs: cpio newc writer, ELF dependency
 * walk (DT_NEEDED through RUNPATH, ld.so.conf and the default directories,
 * like ld.so and dracut), modules.dep resolution, and the archive layout
 * guest_init.c expects. */
#include "runner/initramfs.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/child.h"

/* ---- string lists ---- */

void vp_strlist_free(struct vp_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int vp_strlist_add(struct vp_strlist *l, const char *s)
{
	char *copy;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		char **nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	l->v[l->n++] = copy;
	return 0;
}

bool vp_strlist_has(const struct vp_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

/* ---- cpio newc ---- */

void vp_cpio_init(struct vp_cpio *c, FILE *f)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
	c->ino = 721; /* arbitrary, non-zero: 0 confuses hard-link detection */
}

static void cpio_write(struct vp_cpio *c, const void *p, size_t n)
{
	if (c->err)
		return;
	if (n && fwrite(p, 1, n, c->f) != n)
		c->err = errno ? -errno : -EIO;
	c->off += n;
}

static void cpio_pad(struct vp_cpio *c)
{
	static const char zeros[4];

	cpio_write(c, zeros, (4 - (c->off & 3)) & 3);
}

static void cpio_header(struct vp_cpio *c, const char *name, uint32_t mode,
			uint64_t size, unsigned rmaj, unsigned rmin)
{
	char hdr[111];
	size_t nlen = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 c->ino++, mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u,
		 (unsigned)size, 0u, 0u, rmaj, rmin, (unsigned)nlen, 0u);
	cpio_write(c, hdr, 110);
	cpio_write(c, name, nlen);
	cpio_pad(c);
}

static const char *strip_slash(const char *name)
{
	while (*name == '/')
		name++;
	return name;
}

/* Creates every missing parent directory of name. */
static void cpio_parents(struct vp_cpio *c, const char *name)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", name);
	for (char *s = strchr(buf, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (*buf && !vp_strlist_has(&c->dirs, buf)) {
			cpio_header(c, buf, S_IFDIR | 0755, 0, 0, 0);
			if (vp_strlist_add(&c->dirs, buf) != 0 && !c->err)
				c->err = -ENOMEM;
		}
		*s = '/';
	}
}

int vp_cpio_add(struct vp_cpio *c, const char *name, uint32_t mode,
		const void *data, size_t size)
{
	name = strip_slash(name);
	if (!*name || size > UINT32_MAX)
		return -EINVAL;
	cpio_parents(c, name);
	if (S_ISDIR(mode)) {
		if (vp_strlist_has(&c->dirs, name))
			return c->err;
		if (vp_strlist_add(&c->dirs, name) != 0)
			return -ENOMEM;
		size = 0;
	}
	cpio_header(c, name, mode, size, 0, 0);
	cpio_write(c, data, size);
	cpio_pad(c);
	return c->err;
}

int vp_cpio_add_dir(struct vp_cpio *c, const char *name)
{
	return vp_cpio_add(c, name, S_IFDIR | 0755, NULL, 0);
}

/* A character device node (/dev/console before devtmpfs is mounted). */
static int cpio_add_chr(struct vp_cpio *c, const char *name, unsigned maj,
			unsigned min)
{
	name = strip_slash(name);
	cpio_parents(c, name);
	cpio_header(c, name, S_IFCHR | 0600, 0, maj, min);
	return c->err;
}

int vp_cpio_add_host_file(struct vp_cpio *c, const char *name, uint32_t mode,
			  const char *host_path, char *err, size_t errlen)
{
	struct stat st;
	char buf[65536];
	int fd, rc = 0;
	uint64_t left;

	fd = open(host_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot read %s: %s", host_path,
			 strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)UINT32_MAX) {
		rc = -EINVAL;
		snprintf(err, errlen, "%s is not a regular file under 4 GiB",
			 host_path);
		goto out;
	}
	name = strip_slash(name);
	cpio_parents(c, name);
	cpio_header(c, name, S_IFREG | (mode & 07777), (uint64_t)st.st_size, 0,
		    0);
	for (left = (uint64_t)st.st_size; left > 0 && !c->err;) {
		ssize_t n = read(
		    fd, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));

		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			snprintf(err, errlen, "reading %s: %s", host_path,
				 n < 0 ? strerror(errno) : "file shrank");
			goto out;
		}
		cpio_write(c, buf, (size_t)n);
		left -= (uint64_t)n;
	}
	cpio_pad(c);
	rc = c->err;
	if (rc)
		snprintf(err, errlen, "writing initramfs: %s", strerror(-rc));
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int vp_cpio_finish(struct vp_cpio *c)
{
	cpio_header(c, "TRAILER!!!", 0, 0, 0, 0);
	/* The kernel reads the archive in 512-byte blocks; pad like cpio(1). */
	while ((c->off & 511) && !c->err)
		cpio_write(c, "", 1);
	if (!c->err && fflush(c->f) != 0)
		c->err = -errno;
	vp_strlist_free(&c->dirs);
	return c->err;
}

/* ---- ELF ---- */

struct mapped {
	const unsigned char *p;
	size_t size;
};

static int map_file(const char *path, struct mapped *m)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;

	m->p = NULL;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
	} else if (st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		rc = -ENOEXEC;
	} else {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			       fd, 0);

		if (p == MAP_FAILED) {
			rc = -errno;
		} else {
			m->p = p;
			m->size = (size_t)st.st_size;
		}
	}
	close(fd);
	return rc;
}

static const Elf64_Ehdr *elf_header(const struct mapped *m)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m->p;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64)
		return NULL;
	if (eh->e_phoff > m->size ||
	    (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > m->size - eh->e_phoff)
		return NULL;
	return eh;
}

bool vp_elf_is_x86_64(const char *path)
{
	struct mapped m;
	bool ok;

	if (map_file(path, &m) != 0)
		return false;
	ok = elf_header(&m) != NULL;
	munmap((void *)m.p, m.size);
	return ok;
}

/* File offset of a virtual address through the PT_LOAD segments. */
static bool vaddr_to_off(const Elf64_Phdr *ph, unsigned n, uint64_t vaddr,
			 uint64_t *off)
{
	for (unsigned i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (vaddr >= ph[i].p_vaddr &&
		    vaddr < ph[i].p_vaddr + ph[i].p_filesz) {
			*off = vaddr - ph[i].p_vaddr + ph[i].p_offset;
			return true;
		}
	}
	return false;
}

/* Adds the ':'-separated dirs of a RUNPATH, expanding $ORIGIN. */
static int add_runpath(struct vp_strlist *l, const char *rp, const char *origin)
{
	char buf[PATH_MAX];
	char *copy = strdup(rp), *save = NULL;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, ":", &save); tok && !rc;
	     tok = strtok_r(NULL, ":", &save)) {
		if (strncmp(tok, "$ORIGIN", 7) == 0)
			snprintf(buf, sizeof(buf), "%s%s", origin, tok + 7);
		else if (strncmp(tok, "${ORIGIN}", 9) == 0)
			snprintf(buf, sizeof(buf), "%s%s", origin, tok + 9);
		else
			snprintf(buf, sizeof(buf), "%s", tok);
		if (!vp_strlist_has(l, buf))
			rc = vp_strlist_add(l, buf);
	}
	free(copy);
	return rc;
}

int vp_elf_read_info(const char *path, struct vp_elf_info *info, char *err,
		     size_t errlen)
{
	struct mapped m;
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	const Elf64_Dyn *dyn = NULL;
	size_t ndyn = 0;
	uint64_t strtab = 0, stroff = 0;
	char origin[PATH_MAX], real[PATH_MAX];
	int rc;

	memset(info, 0, sizeof(*info));
	rc = map_file(path, &m);
	if (rc == -ENOEXEC) {
		snprintf(err, errlen, "%s is not an ELF64 x86-64 file", path);
		return rc;
	}
	if (rc) {
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(-rc));
		return rc;
	}
	eh = elf_header(&m);
	if (!eh) {
		rc = -ENOEXEC;
		snprintf(err, errlen, "%s is not an ELF64 x86-64 file", path);
		goto out;
	}
	ph = (const Elf64_Phdr *)(m.p + eh->e_phoff);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_offset > m.size ||
		    ph[i].p_filesz > m.size - ph[i].p_offset)
			continue;
		if (ph[i].p_type == PT_INTERP)
			snprintf(
			    info->interp, sizeof(info->interp), "%.*s",
			    (int)strnlen((const char *)m.p + ph[i].p_offset,
					 ph[i].p_filesz),
			    (const char *)m.p + ph[i].p_offset);
		if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const Elf64_Dyn *)(m.p + ph[i].p_offset);
			ndyn = ph[i].p_filesz / sizeof(*dyn);
		}
	}
	if (!dyn)
		goto out; /* static: no dependencies */
	for (size_t i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++)
		if (dyn[i].d_tag == DT_STRTAB)
			strtab = dyn[i].d_un.d_ptr;
	if (!vaddr_to_off(ph, eh->e_phnum, strtab, &stroff) ||
	    stroff >= m.size) {
		rc = -ENOEXEC;
		snprintf(err, errlen, "%s: DT_STRTAB outside the file", path);
		goto out;
	}
	snprintf(real, sizeof(real), "%s", path);
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	snprintf(origin, sizeof(origin), "%s", dirname(real));
	for (size_t i = 0; i < ndyn && dyn[i].d_tag != DT_NULL && !rc; i++) {
		const char *s;

		if (dyn[i].d_tag != DT_NEEDED && dyn[i].d_tag != DT_RUNPATH &&
		    dyn[i].d_tag != DT_RPATH)
			continue;
		if (dyn[i].d_un.d_val >= m.size - stroff)
			continue;
		s = (const char *)m.p + stroff + dyn[i].d_un.d_val;
		if (strnlen(s, m.size - stroff - dyn[i].d_un.d_val) ==
		    m.size - stroff - dyn[i].d_un.d_val)
			continue; /* unterminated */
		if (dyn[i].d_tag == DT_NEEDED)
			rc = vp_strlist_add(&info->needed, s);
		else
			rc = add_runpath(&info->runpath, s, origin);
	}
	if (rc)
		snprintf(err, errlen, "out of memory");
out:
	munmap((void *)m.p, m.size);
	if (rc)
		vp_elf_info_free(info);
	return rc;
}

void vp_elf_info_free(struct vp_elf_info *info)
{
	vp_strlist_free(&info->needed);
	vp_strlist_free(&info->runpath);
}

/* Reads one ld.so.conf-style file, following include globs. */
static void read_ld_conf(const char *root, const char *path,
			 struct vp_strlist *dirs, int depth)
{
	char full[PATH_MAX], line[PATH_MAX];
	FILE *f;

	if (depth > 8)
		return;
	snprintf(full, sizeof(full), "%s%s", root, path);
	f = fopen(full, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		s[strcspn(s, "\r\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		for (char *e = s + strlen(s);
		     e > s && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		if (!*s)
			continue;
		if (strncmp(s, "include", 7) == 0 &&
		    (s[7] == ' ' || s[7] == '\t')) {
			glob_t g;
			char pat[PATH_MAX];

			s += 8;
			while (*s == ' ' || *s == '\t')
				s++;
			snprintf(pat, sizeof(pat), "%s%s", root, s);
			if (glob(pat, 0, NULL, &g) == 0) {
				for (size_t i = 0; i < g.gl_pathc; i++)
					read_ld_conf("", g.gl_pathv[i], dirs,
						     depth + 1);
				globfree(&g);
			}
			continue;
		}
		if (*s == '/' && !vp_strlist_has(dirs, s))
			vp_strlist_add(dirs, s);
	}
	fclose(f);
}

int vp_ld_search_dirs(const char *root, struct vp_strlist *dirs)
{
	static const char *const defaults[] = {
	    "/lib/x86_64-linux-gnu",
	    "/usr/lib/x86_64-linux-gnu",
	    "/lib64",
	    "/usr/lib64",
	    "/lib",
	    "/usr/lib",
	};

	read_ld_conf(root ? root : "", "/etc/ld.so.conf", dirs, 0);
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (!vp_strlist_has(dirs, defaults[i]))
			vp_strlist_add(dirs, defaults[i]);
	return 0;
}

static int find_lib(const char *soname, const struct vp_strlist *rp,
		    const struct vp_strlist *dirs, char *out, size_t outlen)
{
	const struct vp_strlist *lists[2] = {rp, dirs};

	if (strchr(soname, '/')) {
		snprintf(out, outlen, "%s", soname);
		return access(out, R_OK) == 0 ? 0 : -ENOENT;
	}
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			snprintf(out, outlen, "%s/%s", lists[l]->v[i], soname);
			if (access(out, R_OK) == 0 && vp_elf_is_x86_64(out))
				return 0;
		}
	return -ENOENT;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return *b && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int vp_elf_closure(const char *exe, const struct vp_strlist *search_dirs,
		   struct vp_strlist *files, char *interp, size_t interplen,
		   char *err, size_t errlen)
{
	struct vp_strlist queue = {0}, seen = {0};
	char path[PATH_MAX];
	int rc;

	rc = vp_strlist_add(&queue, exe);
	interp[0] = '\0';
	for (size_t qi = 0; qi < queue.n && !rc; qi++) {
		struct vp_elf_info info;

		rc = vp_elf_read_info(queue.v[qi], &info, err, errlen);
		if (rc)
			break;
		if (qi == 0)
			snprintf(interp, interplen, "%s", info.interp);
		for (size_t i = 0; i < info.needed.n && !rc; i++) {
			const char *so = info.needed.v[i];

			if (vp_strlist_has(&seen, so))
				continue;
			rc = vp_strlist_add(&seen, so);
			if (rc)
				break;
			if (find_lib(so, &info.runpath, search_dirs, path,
				     sizeof(path)) != 0) {
				rc = -ENOENT;
				snprintf(err, errlen,
					 "library %s needed by %s not found "
					 "(searched RUNPATH, ld.so.conf and "
					 "the default directories)",
					 so, queue.v[qi]);
				break;
			}
			/* The interpreter is copied separately (libc names it
			 * by soname: compare the real files). */
			if (same_file(path, interp))
				continue;
			rc = vp_strlist_add(files, path);
			if (!rc)
				rc = vp_strlist_add(&queue, path);
		}
		vp_elf_info_free(&info);
	}
	vp_strlist_free(&queue);
	vp_strlist_free(&seen);
	return rc;
}

int vp_ldd_parse(const char *text, struct vp_strlist *paths,
		 struct vp_strlist *missing)
{
	const char *line = text;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char buf[PATH_MAX + 256], *s, *arrow;

		snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
		line = eol ? eol + 1 : NULL;
		s = buf + strspn(buf, " \t");
		arrow = strstr(s, " => ");
		if (arrow) {
			char *target = arrow + 4;

			*arrow = '\0';
			if (strncmp(target, "not found", 9) == 0) {
				if (vp_strlist_add(missing, s))
					return -ENOMEM;
				continue;
			}
			s = target;
		}
		if (*s != '/')
			continue; /* linux-vdso.so.1, statically linked, ... */
		s[strcspn(s, " \t(")] = '\0';
		if (!vp_strlist_has(paths, s) && vp_strlist_add(paths, s))
			return -ENOMEM;
	}
	return 0;
}

/* ---- kernel modules ---- */

/* "kernel/drivers/block/virtio_blk.ko.xz" -> "virtio_blk" */
static void module_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	char *dot;

	snprintf(out, len, "%s", base ? base + 1 : path);
	dot = strstr(out, ".ko");
	if (dot)
		*dot = '\0';
	for (char *p = out; *p; p++)
		if (*p == '-')
			*p = '_';
}

/* Finds the modules.dep line of name; returns a malloc'd copy or NULL. */
static char *dep_line(const char *text, const char *name)
{
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		const char *colon = memchr(line, ':', n);

		if (colon) {
			char path[PATH_MAX], mod[256];

			snprintf(path, sizeof(path), "%.*s",
				 (int)(colon - line), line);
			module_name(path, mod, sizeof(mod));
			if (strcmp(mod, name) == 0)
				return strndup(line, n);
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static bool builtin_has(const char *text, const char *name)
{
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char path[PATH_MAX], mod[256];

		snprintf(path, sizeof(path), "%.*s", (int)n, line);
		module_name(path, mod, sizeof(mod));
		if (strcmp(mod, name) == 0)
			return true;
		line = eol ? eol + 1 : NULL;
	}
	return false;
}

int vp_modules_resolve_text(const char *dep_text, const char *builtin_text,
			    const char *const *names, size_t nnames,
			    struct vp_strlist *order, char *err, size_t errlen)
{
	int rc = 0;

	for (size_t i = 0; i < nnames && !rc; i++) {
		char want[256], *line, *colon, *deps[64];
		size_t ndeps = 0;

		module_name(names[i], want, sizeof(want));
		line = dep_line(dep_text, want);
		if (!line) {
			if (builtin_text && builtin_has(builtin_text, want))
				continue;
			rc = -ENOENT;
			snprintf(err, errlen,
				 "kernel module %s is neither in modules.dep "
				 "nor built in (modules.builtin)",
				 want);
			break;
		}
		colon = strchr(line, ':');
		*colon = '\0';
		for (char *save = NULL,
			  *tok = strtok_r(colon + 1, " \t", &save);
		     tok && ndeps < 64; tok = strtok_r(NULL, " \t", &save))
			deps[ndeps++] = tok;
		/* depmod lists the full dependency chain so that loading it
		 * from the end backwards satisfies every module (modprobe's
		 * order). */
		while (ndeps > 0 && !rc) {
			const char *d = deps[--ndeps];

			if (!vp_strlist_has(order, d))
				rc = vp_strlist_add(order, d);
		}
		if (!rc && !vp_strlist_has(order, line))
			rc = vp_strlist_add(order, line);
		free(line);
		if (rc)
			snprintf(err, errlen, "out of memory");
	}
	return rc;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t r;

		if (cap - n < 65537) {
			char *nb = realloc(buf, cap + 262144);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 262144;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

int vp_modules_resolve(const char *moddir, const char *const *names,
		       size_t nnames, struct vp_strlist *order, char *err,
		       size_t errlen)
{
	char path[PATH_MAX];
	char *dep, *builtin;
	int rc;

	snprintf(path, sizeof(path), "%s/modules.dep", moddir);
	dep = slurp(path, NULL);
	if (!dep) {
		rc = -errno ? -errno : -ENOENT;
		snprintf(err, errlen,
			 "cannot read %s: %s (run depmod for that tree or pass "
			 "--modules DIR)",
			 path, strerror(errno ? errno : ENOENT));
		return rc;
	}
	snprintf(path, sizeof(path), "%s/modules.builtin", moddir);
	builtin = slurp(path, NULL);
	rc = vp_modules_resolve_text(dep, builtin, names, nnames, order, err,
				     errlen);
	free(dep);
	free(builtin);
	return rc;
}

/* ---- the archive ---- */

static int add_module(struct vp_cpio *c, const char *moddir, const char *rel,
		      FILE *list, char *err, size_t errlen)
{
	static const struct {
		const char *ext, *tool;
	} comp[] = {{".ko.xz", "xz"}, {".ko.zst", "zstd"}, {".ko.gz", "gzip"}};
	char src[PATH_MAX], name[256], dst[PATH_MAX];
	const char *tool = NULL;
	size_t rl = strlen(rel);
	int rc;

	snprintf(src, sizeof(src), "%s/%s", moddir, rel);
	module_name(rel, name, sizeof(name));
	snprintf(dst, sizeof(dst), "%s/%s.ko", VP_INITRAMFS_MODDIR, name);
	for (size_t i = 0; i < sizeof(comp) / sizeof(comp[0]); i++) {
		size_t el = strlen(comp[i].ext);

		if (rl > el && strcmp(rel + rl - el, comp[i].ext) == 0)
			tool = comp[i].tool;
	}
	if (!tool) {
		rc = vp_cpio_add_host_file(c, dst, 0644, src, err, errlen);
	} else {
		/* finit_module can take compressed modules only when the
		 * guest kernel has CONFIG_MODULE_DECOMPRESS; decompressing
		 * here works with every kernel. */
		char *argv[] = {(char *)tool, "-dc", "--", src, NULL};
		char *data = NULL;
		size_t len = 0;

		rc =
		    vp_child_capture(argv, &data, &len, false, 60, err, errlen);
		if (rc > 0 || rc == -ENOENT) {
			snprintf(err, errlen, "cannot decompress %s with %s%s",
				 src, tool,
				 rc == -ENOENT ? " (not installed: apt-get "
						 "install xz-utils zstd)"
					       : "");
			rc = rc > 0 ? -EIO : rc;
		} else if (rc == 0) {
			rc = vp_cpio_add(c, dst, S_IFREG | 0644, data, len);
			if (rc)
				snprintf(err, errlen, "writing initramfs: %s",
					 strerror(-rc));
		}
		free(data);
	}
	if (!rc)
		fprintf(list, "%s.ko\n", name);
	return rc;
}

int vp_initramfs_build(const struct vp_initramfs_spec *spec, const char *path,
		       uint64_t *bytes, char *err, size_t errlen)
{
	struct vp_strlist dirs = {0}, libs = {0}, mods = {0};
	struct vp_cpio c;
	char tmp[PATH_MAX], interp[256];
	char *modlist = NULL;
	size_t modlist_len = 0;
	FILE *f = NULL, *ml = NULL;
	int fd = -1, rc;

	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	vp_ld_search_dirs("", &dirs);
	rc = vp_elf_closure(spec->exe, &dirs, &libs, interp, sizeof(interp),
			    err, errlen);
	if (rc)
		goto out;
	if (spec->moddir && spec->nmodules) {
		rc = vp_modules_resolve(spec->moddir, spec->modules,
					spec->nmodules, &mods, err, errlen);
		if (rc)
			goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s", tmp,
			 strerror(errno));
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		close(fd);
		snprintf(err, errlen, "fdopen: %s", strerror(errno));
		goto out;
	}
	ml = open_memstream(&modlist, &modlist_len);
	if (!ml) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	vp_cpio_init(&c, f);
	static const char *const top[] = {"dev", "proc", "sys",	   "tmp",
					  "run", "root", "vpbench"};
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		vp_cpio_add_dir(&c, top[i]);
	cpio_add_chr(&c, "dev/console", 5, 1);
	cpio_add_chr(&c, "dev/null", 1, 3);
	rc = vp_cpio_add_host_file(&c, "init", 0755, spec->exe, err, errlen);
	if (!rc && interp[0])
		rc = vp_cpio_add_host_file(&c, interp, 0755, interp, err,
					   errlen);
	for (size_t i = 0; i < libs.n && !rc; i++)
		rc = vp_cpio_add_host_file(&c, libs.v[i], 0755, libs.v[i], err,
					   errlen);
	for (size_t i = 0; i < mods.n && !rc; i++)
		rc = add_module(&c, spec->moddir, mods.v[i], ml, err, errlen);
	fclose(ml);
	ml = NULL;
	if (!rc)
		rc = vp_cpio_add(&c, VP_INITRAMFS_MODLIST, S_IFREG | 0644,
				 modlist, modlist_len);
	if (!rc && spec->plan_text)
		rc = vp_cpio_add(&c, VP_INITRAMFS_PLAN, S_IFREG | 0644,
				 spec->plan_text, strlen(spec->plan_text));
	if (!rc && spec->extra_name && spec->extra_text)
		rc = vp_cpio_add(&c, spec->extra_name, S_IFREG | 0644,
				 spec->extra_text, strlen(spec->extra_text));
	{
		int frc = vp_cpio_finish(&c);

		if (!rc && frc) {
			rc = frc;
			snprintf(err, errlen, "writing %s: %s%s", tmp,
				 strerror(-rc),
				 rc == -ENOSPC ? " (disk full: free space in "
						 "the run folder)"
					       : "");
		}
	}
	if (bytes)
		*bytes = c.off;
	if (fclose(f) != 0 && !rc) {
		rc = -errno;
		snprintf(err, errlen, "writing %s: %s", tmp, strerror(errno));
	}
	f = NULL;
	if (!rc && rename(tmp, path) != 0) {
		rc = -errno;
		snprintf(err, errlen, "rename %s: %s", path, strerror(errno));
	}
	if (rc)
		unlink(tmp);
out:
	if (ml)
		fclose(ml);
	if (f) {
		fclose(f);
		unlink(tmp);
	}
	free(modlist);
	vp_strlist_free(&dirs);
	vp_strlist_free(&libs);
	vp_strlist_free(&mods);
	return rc;
}
