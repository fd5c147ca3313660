/* The libvirt target's pure parts: target syntax, object names, host keys
 * and same-host baselines, the domain/pool/volume XML parsed back with
 * libxml2, the capabilities question on a recorded capabilities XML, and
 * the vCPU statistics mapping on recorded `virsh domstats` samples. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/target_host.h"
#include "runner/targets/libvirt_name.h"
#include "runner/targets/libvirt_stats.h"
#include "runner/targets/libvirt_xml.h"
#include "runner/targets/target.h"

#if HAVE_LIBXML2
#include <libxml/parser.h>
#include <libxml/xpath.h>
#endif

static char err[1024];

struct name_case {
	const char *name;
	int ok;
	unsigned vcpus;
	const char *uri;
};

Test(libvirt, target_syntax)
{
	static const struct name_case cases[] = {
	    {"libvirt:vm2@qemu:///system", 1, 2, "qemu:///system"},
	    {"libvirt:vm4@qemu+ssh://bench@h1/system", 1, 4,
	     "qemu+ssh://bench@h1/system"},
	    {"libvirt:vm64@qemu+ssh://root@127.0.0.1:2222/system?keyfile=/k", 1,
	     64, "qemu+ssh://root@127.0.0.1:2222/system?keyfile=/k"},
	    {"libvirt:vm1@test:///default", 1, 1, "test:///default"},
	    {"libvirt:vm0@qemu:///system", 0, 0, NULL},
	    {"libvirt:vm65@qemu:///system", 0, 0, NULL},
	    {"libvirt:vm02@qemu:///system", 0, 0, NULL},
	    {"libvirt:vm2", 0, 0, NULL},
	    {"libvirt:vm2@", 0, 0, NULL},
	    {"libvirt:host@qemu:///system", 0, 0, NULL},
	    {"libvirt:vm2@qemu", 0, 0, NULL},
	    {"libvirt:vm2@://x", 0, 0, NULL},
	    {"libvirt:vm2@qemu:///system;reboot", 0, 0, NULL},
	    {"libvirt:vm2@qemu+ssh://-oProxyCommand=x/system", 0, 0, NULL},
	    {"libvirt:vm2@qemu+ssh://u@-x/system", 0, 0, NULL},
	    {"libvirt:vm2@qemu:///sys tem", 0, 0, NULL},
	    {"libvirt:vm2x@qemu:///system", 0, 0, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct name_case *c = &cases[i];
		unsigned n = 0;
		char uri[128] = "";
		int rc = vp_libvirt_name_parse(c->name, &n, uri, sizeof(uri),
					       err, sizeof(err));

		cr_assert_eq(rc == 0, c->ok, "%s: rc %d (%s)", c->name, rc,
			     err);
		cr_assert_eq(vp_target_name_valid(c->name, err, sizeof(err)) ==
				 0,
			     c->ok, "%s via target.c", c->name);
		if (c->ok) {
			cr_assert_eq(n, c->vcpus, "%s", c->name);
			cr_assert_str_eq(uri, c->uri);
		} else {
			cr_assert(strstr(err, "libvirt:vmN@URI"),
				  "%s: message names the form: %s", c->name,
				  err);
		}
	}
}

Test(libvirt, target_init_binds_libvirt_kind)
{
	struct vp_target t;

	cr_assert_eq(
	    vp_target_init(&t, "libvirt:vm3@qemu:///system", err, sizeof(err)),
	    0, "%s", err);
	cr_assert_str_eq(t.ti.target_kind, "libvirt");
	cr_assert_eq(t.vcpus, 3);
	cr_assert_str_eq(t.ops->kind, "libvirt");
}

Test(libvirt, safe_names)
{
	char out[64];

	vp_libvirt_safe_name("libvirt:vm2@qemu+ssh://root@h/system?x=1", out,
			     sizeof(out));
	cr_assert_str_eq(out, "libvirt_vm2_qemu_ssh___root_h_system_x_1");
	vp_libvirt_safe_name("abcdef", out, 4);
	cr_assert_str_eq(out, "abc");
}

struct host_case {
	const char *target, *host;
};

Test(libvirt, host_of_target)
{
	static const struct host_case cases[] = {
	    {"host", VP_HOST_LOCAL},
	    {"vm4", VP_HOST_LOCAL},
	    {"libvirt:vm2@qemu:///system", VP_HOST_LOCAL},
	    {"libvirt:vm2@qemu+ssh://root@127.0.0.1/system", "127.0.0.1"},
	    {"libvirt:vm2@qemu+ssh://root@h1:2222/system?keyfile=/k", "h1"},
	    {"libvirt:vm2@qemu+tcp://[fe80::1]:16509/system", "fe80::1"},
	    {"libvirt:vm2@xen+ssh://h2/", "h2"},
	    {"ssh:bench@h1:22", "h1"},
	    {"ssh:h1", "h1"},
	    {"ssh:u@[::1]:2222", "::1"},
	};
	char host[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vp_target_host(cases[i].target, host, sizeof(host));
		cr_assert_str_eq(host, cases[i].host, "%s", cases[i].target);
	}
}

struct base_case {
	size_t i;
	long fallback, want;
};

Test(libvirt, same_host_baseline)
{
	static const char *const run[] = {
	    "host",				     /* 0 */
	    "vm2",				     /* 1 */
	    "libvirt:vm2@qemu:///system",	     /* 2 */
	    "ssh:bench@h1:2222",		     /* 3 */
	    "libvirt:vm4@qemu+ssh://root@h1/system", /* 4 */
	    "libvirt:vm4@qemu+ssh://root@h2/system", /* 5 */
	    "ssh:bench@h3",			     /* 6 */
	};
	static const struct base_case cases[] = {
	    {1, 0, 0},	 /* vm2 -> host */
	    {2, -1, 0},	 /* local libvirt -> host even without --baseline */
	    {4, 0, 3},	 /* remote libvirt -> ssh: of the same host */
	    {5, 0, 0},	 /* no bare metal of h2 -> --baseline */
	    {5, -1, -1}, /* ... none given: none */
	    {3, 0, 0},	 /* bare metal keeps the fallback */
	    {0, 0, -1},	 /* never its own baseline */
	    {6, 6, -1},
	};
	size_t n = sizeof(run) / sizeof(run[0]);

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		cr_assert_eq(
		    vp_baseline_pick(run, n, cases[k].i, cases[k].fallback),
		    cases[k].want, "case %zu (%s)", k, run[cases[k].i]);
}

#if HAVE_LIBXML2
/* The text of the first node an XPath expression selects. */
static char *xp(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
	char *v = NULL;

	if (o && o->nodesetval && o->nodesetval->nodeNr > 0)
		v = (char *)xmlNodeGetContent(o->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return v;
}

static void expect(xmlDocPtr doc, const char *expr, const char *want)
{
	char *v = xp(doc, expr);

	cr_assert(v, "%s: missing", expr);
	cr_assert_str_eq(v, want, "%s", expr);
	xmlFree(v);
}

Test(libvirt, domain_xml_parses_back)
{
	/* Hostile values: the writer must escape them, never paste them. */
	struct vp_libvirt_domain_cfg c = {
	    .name = "vpbench-run<1>&'x'-1",
	    .kvm = false,
	    .vcpus = 4,
	    .mem_mb = 512,
	    .kernel = "/pool/kernel",
	    .initrd = "/pool/init\"ramfs",
	    .cmdline =
		"console=ttyS0 vpbench.target=libvirt:vm4@qemu:///x?a=1&b=2",
	    .disk = "/pool/scratch.img",
	    .disk_cache = "none",
	    .disk_io = "native",
	};
	char *xml = NULL;

	cr_assert_eq(vp_libvirt_domain_xml(&c, &xml, err, sizeof(err)), 0, "%s",
		     err);
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "d.xml", NULL,
				      XML_PARSE_NONET);
	cr_assert(doc, "domain XML does not parse:\n%s", xml);
	expect(doc, "/domain/@type", "qemu");
	expect(doc, "/domain/name", c.name);
	expect(doc, "/domain/memory[@unit='MiB']", "512");
	expect(doc, "/domain/vcpu", "4");
	cr_assert_null(xp(doc, "/domain/vcpu/@current"), "4 slots, 4 vCPUs");
	expect(doc, "/domain/cputune/shares", "4096");
	expect(doc, "/domain/os/type[@arch='x86_64'][@machine='pc']", "hvm");
	expect(doc, "/domain/os/kernel", c.kernel);
	expect(doc, "/domain/os/initrd", c.initrd);
	expect(doc, "/domain/os/cmdline", c.cmdline);
	expect(doc, "/domain/cpu/@mode", "maximum");
	expect(doc, "/domain/on_poweroff", "destroy");
	expect(doc, "/domain/on_reboot", "destroy");
	expect(doc, "/domain/on_crash", "destroy");
	cr_assert(xp(doc, "/domain/features/acpi") != NULL);
	expect(doc, "/domain/devices/disk[@device='disk']/source/@file",
	       c.disk);
	expect(doc, "/domain/devices/disk/driver/@cache", "none");
	expect(doc, "/domain/devices/disk/target/@bus", "virtio");
	expect(doc, "/domain/devices/serial[target/@port='0']/alias/@name",
	       VP_LIBVIRT_CONSOLE_ALIAS);
	expect(doc, "/domain/devices/serial[target/@port='1']/alias/@name",
	       VP_LIBVIRT_AGENT_ALIAS);
	expect(doc, "/domain/devices/serial[2]/@type", "pty");
	expect(doc, "/domain/devices/memballoon/@model", "none");
	cr_assert_null(xp(doc, "/domain/devices/interface"), "no network");
	xmlFreeDoc(doc);
	free(xml);

	c.kvm = true;
	c.disk = NULL;
	cr_assert_eq(vp_libvirt_domain_xml(&c, &xml, err, sizeof(err)), 0);
	doc = xmlReadMemory(xml, (int)strlen(xml), "d.xml", NULL, 0);
	expect(doc, "/domain/@type", "kvm");
	expect(doc, "/domain/cpu/@mode", "host-passthrough");
	cr_assert_null(xp(doc, "/domain/devices/disk"), "no disk asked");
	xmlFreeDoc(doc);
	free(xml);

	/* One vCPU: under TCG a second, unplugged slot (as the vm target's
	 * -smp maxcpus=2), under KVM none. */
	c.vcpus = 1;
	for (int kvm = 0; kvm <= 1; kvm++) {
		c.kvm = kvm;
		cr_assert_eq(vp_libvirt_domain_xml(&c, &xml, err, sizeof(err)),
			     0);
		doc = xmlReadMemory(xml, (int)strlen(xml), "d.xml", NULL, 0);
		expect(doc, "/domain/vcpu", kvm ? "1" : "2");
		if (kvm)
			cr_assert_null(xp(doc, "/domain/vcpu/@current"));
		else
			expect(doc, "/domain/vcpu/@current", "1");
		xmlFreeDoc(doc);
		free(xml);
	}
}

Test(libvirt, pool_and_volume_xml_parse_back)
{
	char *xml = NULL;
	xmlDocPtr doc;

	cr_assert_eq(vp_libvirt_pool_xml("vpbench-r-1", "/var/lib/x & y", &xml,
					 err, sizeof(err)),
		     0);
	doc = xmlReadMemory(xml, (int)strlen(xml), "p.xml", NULL, 0);
	cr_assert(doc);
	expect(doc, "/pool/@type", "dir");
	expect(doc, "/pool/name", "vpbench-r-1");
	expect(doc, "/pool/target/path", "/var/lib/x & y");
	xmlFreeDoc(doc);
	free(xml);
	cr_assert_eq(vp_libvirt_volume_xml("initramfs", 123456789012ull, &xml,
					   err, sizeof(err)),
		     0);
	doc = xmlReadMemory(xml, (int)strlen(xml), "v.xml", NULL, 0);
	expect(doc, "/volume/name", "initramfs");
	expect(doc, "/volume/capacity[@unit='bytes']", "123456789012");
	expect(doc, "/volume/target/format/@type", "raw");
	xmlFreeDoc(doc);
	free(xml);
}
#else
Test(libvirt, domain_xml_parses_back)
{
	cr_skip_test("built without libxml2");
}
#endif

static char *slurp(const char *name)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/libvirt/%s", VP_TEST_DATA, name);
	f = fopen(path, "r");
	cr_assert(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

Test(libvirt, capabilities_kvm_needs_vmx)
{
#if !HAVE_LIBXML2
	cr_skip_test("built without libxml2");
#else
	char *caps = slurp("capabilities-no-vmx.xml");
	char why[256] = "";
	const char *host_cpu = "<feature name='vme'/>";
	char *at = strstr(caps, host_cpu);

	/* Recorded here: kvm listed, no vmx -> not usable, and why. */
	cr_assert_eq(
	    vp_libvirt_caps_offers(caps, "x86_64", "kvm", err, sizeof(err)), 1);
	cr_assert_eq(
	    vp_libvirt_caps_offers(caps, "x86_64", "qemu", err, sizeof(err)),
	    1);
	cr_assert_eq(
	    vp_libvirt_caps_offers(caps, "aarch64", "kvm", err, sizeof(err)),
	    0);
	cr_assert_eq(vp_libvirt_caps_kvm(caps, why, sizeof(why)), 0);
	cr_assert(strstr(why, "vmx"), "%s", why);
	/* The same host with virtualization extensions. */
	cr_assert(at);
	memcpy(at, "<feature name='vmx'/>", strlen(host_cpu));
	cr_assert_eq(vp_libvirt_caps_kvm(caps, why, sizeof(why)), 1, "%s", why);
	cr_assert_lt(vp_libvirt_caps_kvm("<capabilities", why, sizeof(why)), 0);
	free(caps);
#endif
}

static void sample(const char *file, double t, struct vp_domstats_sample *s)
{
	char *text = slurp(file);

	vp_domstats_sample_init(s, t);
	cr_assert_gt(vp_domstats_sample_parse_text(s, text), 0);
	free(text);
}

Test(libvirt, stats_mapping_on_recorded_samples)
{
	struct vp_domstats_sample a, b, nd;
	struct vp_domstats_figures f;

	sample("domstats-tcg-vm2-a.txt", 100.0, &a);
	sample("domstats-tcg-vm2-b.txt", 101.0, &b);
	cr_assert_eq(a.n, 2);
	cr_assert_eq(a.time_ns[1], 1510000000ull);
	cr_assert_eq(b.delay_ns[0], 9729517300ull);
	vp_domstats_figures(&a, &b, &f);
	cr_assert(f.run_ok && f.delay_ok, "%s", f.why);
	/* (30 + 280) ms on CPU over 2 vCPUs x 1 s */
	cr_assert_float_eq(f.run_pct, 15.5, 1e-9);
	/* (159116563 + 989860430) ns waiting over 2 vCPUs x 1 s */
	cr_assert_float_eq(f.delay_pct, 57.44884965, 1e-6);

	/* Half the wall time: twice the percentages. */
	b.t = 100.5;
	vp_domstats_figures(&a, &b, &f);
	cr_assert_float_eq(f.run_pct, 31.0, 1e-9);

	/* No time passed, counters backwards, vCPU count changed, no delay:
	 * unavailable with a reason, never a zero. */
	vp_domstats_figures(&a, &a, &f);
	cr_assert(!f.run_ok && !f.delay_ok && strstr(f.why, "no time"));
	b.t = 99.0;
	vp_domstats_figures(&b, &a, &f);
	cr_assert(!f.run_ok && strstr(f.why, "backwards"), "%s", f.why);
	sample("domstats-no-delay.txt", 99.0, &nd);
	b.t = 101.0;
	vp_domstats_figures(&nd, &b, &f);
	cr_assert(f.run_ok, "%s", f.why);
	cr_assert(!f.delay_ok && strstr(f.why, "delay"), "%s", f.why);
	b.n = 3;
	vp_domstats_figures(&a, &b, &f);
	cr_assert(!f.run_ok && !f.delay_ok);
}

Test(libvirt, stats_fields)
{
	struct vp_domstats_sample s;

	vp_domstats_sample_init(&s, 0);
	cr_assert_eq(vp_domstats_sample_field(&s, "vcpu.3.time", 7), 1);
	cr_assert_eq(s.n, 4);
	cr_assert_eq(vp_domstats_sample_field(&s, "vcpu.current", 2), 0);
	cr_assert_eq(vp_domstats_sample_field(&s, "vcpu.0.wait", 2), 0);
	cr_assert_eq(vp_domstats_sample_field(&s, "vcpu.64.time", 2), 0);
	cr_assert_eq(vp_domstats_sample_field(&s, "vcpu.x.time", 2), 0);
	cr_assert_eq(vp_domstats_sample_field(&s, "vcpu.1.delay", 9), 1);
	cr_assert(s.has_delay[1] && !s.has_delay[0]);
}

#include "runner/plan/plan.h"

Test(libvirt, parallel_plan_key_round_trips)
{
	static struct vp_plan p, back;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	vp_plan_defaults(&p);
	cr_assert_eq(p.parallel_hosts, false);
	cr_assert_neq(vp_plan_set(&p, "parallel", "all", err, sizeof(err)), 0);
	cr_assert(strstr(err, "none or hosts"), "%s", err);
	cr_assert_eq(vp_plan_set(&p, "parallel", "hosts", err, sizeof(err)), 0);
	cr_assert_eq(vp_plan_set(&p, "targets",
				 "host,libvirt:vm2@qemu+ssh://u@h/system", err,
				 sizeof(err)),
		     0, "%s", err);
	f = open_memstream(&buf, &len);
	cr_assert_eq(vp_plan_write(&p, f), 0);
	fclose(f);
	cr_assert(strstr(buf, "parallel = hosts\n"), "%s", buf);
	char path[] = "/tmp/vpbench-plan-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
	vp_plan_defaults(&back);
	cr_assert_eq(vp_plan_load(&back, path, err, sizeof(err)), 0, "%s", err);
	unlink(path);
	cr_assert(back.parallel_hosts);
	cr_assert_str_eq(back.targets[1], "libvirt:vm2@qemu+ssh://u@h/system");
	free(buf);
	vp_plan_free(&p);
	vp_plan_free(&back);
}
