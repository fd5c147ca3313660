/* ELF dependency walk: DT_NEEDED through RUNPATH, ld.so.conf and the
 * default directories, as ld.so and dracut resolve them; ldd output parsing. */
#include "runner/guest/elf_deps.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/util/child.h"

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
