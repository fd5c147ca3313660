/* The scratch disk's target conditions (iothread, aio, cache, queues):
 * parsing with the valid values in every error, canonical names beside
 * the on/off switches, the aio=native + cache=writeback refusal and the
 * disk mode they resolve to (O_DIRECT refused, io_uring denied). Their
 * target lists are in test_vm_cond.c, their QEMU argv in test_vm_qemu.c. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runner/targets/vm_cond.h"
#include "runner/targets/vm_disk_cond.h"

static char err[1024];

Test(vm_disk_cond, parse_and_canonical_order)
{
	static const struct {
		const char *spec, *canonical;
	} cases[] = {
	    {"aio=io_uring", "aio=io_uring"},
	    {"queues=4,cache=none,aio=native,iothread=on",
	     "iothread=on,aio=native,cache=none,queues=4"},
	    {"aio=threads,cache=writeback", "aio=threads,cache=writeback"},
	    {"iothread=off,cpu-pm=off", "cpu-pm=off,iothread=off"},
	    {"cache=writeback,hugepages=on,aio=io_uring",
	     "hugepages=on,aio=io_uring,cache=writeback"},
	    {"queues=64", "queues=64"},
	};
	struct vp_vm_cond c;
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(
		    vp_vm_cond_parse(cases[i].spec, &c, err, sizeof(err)), 0,
		    "%s: %s", cases[i].spec, err);
		vp_vm_cond_format(&c, buf, sizeof(buf));
		cr_expect_str_eq(buf, cases[i].canonical);
		cr_expect(vp_vm_cond_any(&c));
		/* Disk settings work under TCG: nothing to refuse. */
		cr_expect_null(vp_vm_cond_tcg_refusal(&c, buf, sizeof(buf)),
			       "%s", cases[i].spec);
	}
	cr_assert_eq(vp_vm_cond_parse("aio=io_uring,queues=2,iothread=on", &c,
				      err, sizeof(err)),
		     0);
	cr_expect_eq(c.disk.aio, VP_AIO_IO_URING);
	cr_expect_eq(c.disk.queues, 2);
	cr_expect_eq(c.disk.iothread, 1);
	cr_expect_eq(c.disk.cache, -1);
	cr_assert_eq(vp_vm_cond_of_target("vm2", &c, err, sizeof(err)), 0);
	cr_expect(!vp_vm_cond_any(&c));
	cr_expect_eq(c.disk.aio, -1);
}

Test(vm_disk_cond, bad_values_name_the_valid_ones)
{
	static const struct {
		const char *spec, *want;
	} cases[] = {
	    {"aio=libaio", "use threads, native or io_uring"},
	    {"aio", "aio=threads, native or io_uring"},
	    {"cache=directsync", "use none or writeback"},
	    {"iothread=yes", "use on or off"},
	    {"queues=0", "from 1 to 64"},
	    {"queues=65", "from 1 to 64"},
	    {"queues=2x", "from 1 to 64"},
	    {"queues=", "from 1 to 64"},
	    {"queues=1000000000000", "from 1 to 64"},
	    {"aio=native,aio=threads", "aio given twice"},
	    {"queues=2,queues=2", "queues given twice"},
	    {"aio=native,cache=writeback", "Linux AIO needs the image opened "
					   "O_DIRECT"},
	    {"cache=writeback,aio=native", "do not go together"},
	    {"io_uring=on",
	     "valid keys: pvspin, cpu-pm, invtsc, hugepages, net, "
	     "vhost, iothread, aio, cache, queues"},
	};
	struct vp_vm_cond c;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		cr_expect_eq(
		    vp_vm_cond_parse(cases[i].spec, &c, err, sizeof(err)),
		    -EINVAL, "%s", cases[i].spec);
		cr_expect(strstr(err, cases[i].want), "%s -> %s", cases[i].spec,
			  err);
	}
}

static struct vp_vm_disk_cond cond(const char *spec)
{
	struct vp_vm_cond c;

	cr_assert_eq(vp_vm_cond_parse(spec, &c, err, sizeof(err)), 0, "%s: %s",
		     spec, err);
	return c.disk;
}

Test(vm_disk_cond, resolve_defaults_and_refusals)
{
	static const struct {
		const char *spec; /* "" = no disk condition */
		bool odirect_ok, uring_ok;
		const char *cache, *aio; /* NULL: refused, with want */
		const char *want;
	} cases[] = {
	    /* Unset: what the vm target always did. */
	    {"", true, true, "none", "native", NULL},
	    {"", false, true, "writeback", "threads", NULL},
	    {"aio=threads", true, true, "none", "threads", NULL},
	    {"aio=io_uring", true, true, "none", "io_uring", NULL},
	    {"aio=io_uring", false, true, "writeback", "io_uring", NULL},
	    {"cache=writeback", true, true, "writeback", "threads", NULL},
	    {"aio=native", true, true, "none", "native", NULL},
	    /* The O_DIRECT rule of the image's file system. */
	    {"cache=none", false, true, NULL, NULL,
	     "cache=none needs the scratch image opened O_DIRECT"},
	    {"aio=native", false, true, NULL, NULL,
	     "aio=native needs the scratch image opened O_DIRECT"},
	    {"aio=io_uring", true, false, NULL, NULL,
	     "this host denies io_uring to QEMU (probe says no)"},
	    {"aio=threads", true, false, "none", "threads", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_vm_disk_cond d;
		struct vp_disk_mode m = {0};
		int rc;

		if (cases[i].spec[0])
			d = cond(cases[i].spec);
		else
			vp_vm_disk_cond_clear(&d);
		err[0] = '\0';
		rc = vp_vm_disk_mode_resolve(
		    &d, cases[i].odirect_ok, "open with O_DIRECT: EINVAL",
		    cases[i].uring_ok ? NULL : "probe says no", &m, err,
		    sizeof(err));
		if (!cases[i].cache) {
			cr_expect_eq(rc, -ENOTSUP, "%s", cases[i].spec);
			cr_expect(strstr(err, cases[i].want), "%s: %s",
				  cases[i].spec, err);
			continue;
		}
		cr_assert_eq(rc, 0, "%s: %s", cases[i].spec, err);
		cr_expect_str_eq(m.cache, cases[i].cache, "%s", cases[i].spec);
		cr_expect_str_eq(m.aio, cases[i].aio, "%s", cases[i].spec);
	}
	struct vp_vm_disk_cond d = cond("iothread=on,queues=3");
	struct vp_disk_mode m;
	cr_assert_eq(
	    vp_vm_disk_mode_resolve(&d, true, NULL, NULL, &m, err, sizeof(err)),
	    0);
	cr_expect(m.iothread);
	cr_expect_eq(m.queues, 3);
}
