/* libvirt domain, pool and volume XML through libxml2's xmlTextWriter, and
 * the capabilities question (libvirt_xml.h). */
#include "runner/targets/libvirt_xml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_LIBXML2
#include "runner/targets/libvirt_dl.h"
#include "runner/targets/qemu.h"

/* A writer into a memory buffer; each helper returns < 0 on failure and
 * the failures are or-ed, checked once at the end (libxml2's writer keeps
 * going after an error, so nothing is half-written silently). */
struct xw {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	int bad;
};

static int xw_open(struct xw *x)
{
	char err[256];

	if (lx_dl_load(err, sizeof(err)))
		return -ENOENT;
	x->bad = 0;
	x->buf = LX(xmlBufferCreate)();
	x->w = x->buf ? LX(xmlNewTextWriterMemory)(x->buf, 0) : NULL;
	if (!x->w) {
		if (x->buf)
			LX(xmlBufferFree)(x->buf);
		return -ENOMEM;
	}
	LX(xmlTextWriterSetIndent)(x->w, 1);
	return 0;
}

static int open_failed(char *err, size_t errlen)
{
	if (lx_dl_load(err, errlen))
		return -ENOENT;
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

static void start(struct xw *x, const char *name)
{
	x->bad |= LX(xmlTextWriterStartElement)(x->w, BAD_CAST name) < 0;
}

static void attr(struct xw *x, const char *name, const char *value)
{
	x->bad |= LX(xmlTextWriterWriteAttribute)(x->w, BAD_CAST name,
						  BAD_CAST value) < 0;
}

static void end(struct xw *x)
{
	x->bad |= LX(xmlTextWriterEndElement)(x->w) < 0;
}

static void text_el(struct xw *x, const char *name, const char *text)
{
	x->bad |= LX(xmlTextWriterWriteElement)(x->w, BAD_CAST name,
						BAD_CAST text) < 0;
}

/* <name attr=value/> */
static void empty_el(struct xw *x, const char *name, const char *a,
		     const char *v)
{
	start(x, name);
	if (a)
		attr(x, a, v);
	end(x);
}

static int xw_close(struct xw *x, char **xml, char *err, size_t errlen)
{
	int rc = 0;

	x->bad |= LX(xmlTextWriterEndDocument)(x->w) < 0;
	LX(xmlFreeTextWriter)(x->w); /* flushes into buf */
	if (x->bad) {
		snprintf(err, errlen, "libxml2 could not write the XML");
		rc = -EIO;
	} else if (!(*xml =
			 strdup((const char *)LX(xmlBufferContent)(x->buf)))) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
	}
	LX(xmlBufferFree)(x->buf);
	return rc;
}

static void serial(struct xw *x, const char *port, const char *alias)
{
	start(x, "serial");
	attr(x, "type", "pty");
	empty_el(x, "target", "port", port);
	empty_el(x, "alias", "name", alias);
	end(x);
}

static void devices(struct xw *x, const struct vp_libvirt_domain_cfg *c)
{
	start(x, "devices");
	if (c->disk) {
		start(x, "disk");
		attr(x, "type", "file");
		attr(x, "device", "disk");
		start(x, "driver");
		attr(x, "name", "qemu");
		attr(x, "type", "raw");
		attr(x, "cache", c->disk_cache ? c->disk_cache : "none");
		attr(x, "io", c->disk_io ? c->disk_io : "native");
		end(x);
		empty_el(x, "source", "file", c->disk);
		start(x, "target");
		attr(x, "dev", "vda");
		attr(x, "bus", "virtio");
		end(x);
		end(x);
	}
	/* The order fixes ttyS0 (console) and ttyS1 (agent channel). */
	serial(x, "0", VP_LIBVIRT_CONSOLE_ALIAS);
	serial(x, "1", VP_LIBVIRT_AGENT_ALIAS);
	/* Nothing the guest does not use: each device costs boot time. */
	start(x, "controller");
	attr(x, "type", "usb");
	attr(x, "model", "none");
	end(x);
	empty_el(x, "memballoon", "model", "none");
	end(x);
}

int vp_libvirt_domain_xml(const struct vp_libvirt_domain_cfg *c, char **xml,
			  char *err, size_t errlen)
{
	char num[32];
	struct xw x;

	if (xw_open(&x))
		return open_failed(err, errlen);
	start(&x, "domain");
	attr(&x, "type", c->kvm ? "kvm" : "qemu");
	text_el(&x, "name", c->name);
	start(&x, "memory");
	attr(&x, "unit", "MiB");
	snprintf(num, sizeof(num), "%u", c->mem_mb);
	x.bad |= LX(xmlTextWriterWriteString)(x.w, BAD_CAST num) < 0;
	end(&x);
	/* The same CPU slots as the vm target's -smp (qemu.h says why a
	 * 1-vCPU TCG guest gets two). */
	start(&x, "vcpu");
	if (vp_qemu_cpu_slots(c->vcpus, c->kvm) != c->vcpus) {
		snprintf(num, sizeof(num), "%u", c->vcpus);
		attr(&x, "current", num);
	}
	snprintf(num, sizeof(num), "%u", vp_qemu_cpu_slots(c->vcpus, c->kvm));
	x.bad |= LX(xmlTextWriterWriteString)(x.w, BAD_CAST num) < 0;
	end(&x);
	/* libvirt gives each domain's CPU cgroup the weight of one task
	 * (1024 shares) whatever its vCPUs; the vm target's QEMU competes as
	 * N vCPU threads. Same weight, same guest under host contention. */
	start(&x, "cputune");
	snprintf(num, sizeof(num), "%u", 1024 * c->vcpus);
	text_el(&x, "shares", num);
	end(&x);
	start(&x, "os");
	start(&x, "type");
	attr(&x, "arch", "x86_64");
	attr(&x, "machine", "pc");
	x.bad |= LX(xmlTextWriterWriteString)(x.w, BAD_CAST "hvm") < 0;
	end(&x);
	text_el(&x, "kernel", c->kernel);
	text_el(&x, "initrd", c->initrd);
	text_el(&x, "cmdline", c->cmdline);
	end(&x);
	/* ACPI: guest init powers off through it. */
	start(&x, "features");
	empty_el(&x, "acpi", NULL, NULL);
	end(&x);
	/* The same CPU as the vm target's -cpu host / -cpu max. */
	empty_el(&x, "cpu", "mode", c->kvm ? "host-passthrough" : "maximum");
	empty_el(&x, "clock", "offset", "utc");
	text_el(&x, "on_poweroff", "destroy");
	text_el(&x, "on_reboot", "destroy");
	text_el(&x, "on_crash", "destroy");
	devices(&x, c);
	end(&x);
	return xw_close(&x, xml, err, errlen);
}

int vp_libvirt_pool_xml(const char *name, const char *path, char **xml,
			char *err, size_t errlen)
{
	struct xw x;

	if (xw_open(&x))
		return open_failed(err, errlen);
	start(&x, "pool");
	attr(&x, "type", "dir");
	text_el(&x, "name", name);
	start(&x, "target");
	text_el(&x, "path", path);
	end(&x);
	end(&x);
	return xw_close(&x, xml, err, errlen);
}

int vp_libvirt_volume_xml(const char *name, unsigned long long capacity,
			  char **xml, char *err, size_t errlen)
{
	char num[32];
	struct xw x;

	if (xw_open(&x))
		return open_failed(err, errlen);
	start(&x, "volume");
	text_el(&x, "name", name);
	start(&x, "capacity");
	attr(&x, "unit", "bytes");
	snprintf(num, sizeof(num), "%llu", capacity);
	x.bad |= LX(xmlTextWriterWriteString)(x.w, BAD_CAST num) < 0;
	end(&x);
	text_el(&x, "allocation", "0");
	start(&x, "target");
	empty_el(&x, "format", "type", "raw");
	end(&x);
	end(&x);
	return xw_close(&x, xml, err, errlen);
}

/* Does the XPath expression select anything in the document? 1, 0, or
 * -errno. */
static int xpath_any(const char *xml, const char *expr, char *err,
		     size_t errlen)
{
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
	xmlXPathObjectPtr obj;
	int rc = lx_dl_load(err, errlen);

	if (rc)
		return rc;
	doc = LX(xmlReadMemory)(xml, (int)strlen(xml), "capabilities.xml", NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	if (!doc) {
		snprintf(err, errlen,
			 "libvirt's capabilities XML does not "
			 "parse");
		return -EINVAL;
	}
	ctx = LX(xmlXPathNewContext)(doc);
	obj = ctx ? LX(xmlXPathEvalExpression)(BAD_CAST expr, ctx) : NULL;
	if (!obj) {
		snprintf(err, errlen, "cannot query the capabilities XML");
		rc = -ENOMEM;
	} else {
		rc = obj->nodesetval && obj->nodesetval->nodeNr > 0;
	}
	LX(xmlXPathFreeObject)(obj);
	LX(xmlXPathFreeContext)(ctx);
	LX(xmlFreeDoc)(doc);
	return rc;
}

int vp_libvirt_caps_offers(const char *caps_xml, const char *arch,
			   const char *type, char *err, size_t errlen)
{
	char expr[256];

	/* Quotes would break the expression; arch and type come from this
	 * program, never from a user. */
	snprintf(expr, sizeof(expr),
		 "/capabilities/guest/arch[@name='%s']/domain[@type='%s']",
		 arch, type);
	return xpath_any(caps_xml, expr, err, errlen);
}

int vp_libvirt_caps_kvm(const char *caps_xml, char *why, size_t len)
{
	int rc = vp_libvirt_caps_offers(caps_xml, "x86_64", "kvm", why, len);

	if (rc <= 0) {
		if (rc == 0)
			snprintf(why, len,
				 "the host offers no kvm domains for x86_64 "
				 "guests");
		return rc;
	}
	/* libvirt lists kvm wherever /dev/kvm exists, even in a VM whose
	 * CPU has no virtualization extensions (such a guest never boots). */
	rc = xpath_any(caps_xml,
		       "/capabilities/host/cpu/feature[@name='vmx' or "
		       "@name='svm']",
		       why, len);
	if (rc == 0)
		snprintf(why, len,
			 "the host CPU has neither vmx nor svm (no hardware "
			 "virtualization), though libvirt lists kvm");
	return rc;
}

#else /* !HAVE_LIBXML2 */

static int without(char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "built without libxml2 (apt-get install "
		 "libxml2-dev, then rebuild)");
	return -ENOSYS;
}

int vp_libvirt_domain_xml(const struct vp_libvirt_domain_cfg *c, char **xml,
			  char *err, size_t errlen)
{
	(void)c;
	*xml = NULL;
	return without(err, errlen);
}

int vp_libvirt_pool_xml(const char *name, const char *path, char **xml,
			char *err, size_t errlen)
{
	(void)name;
	(void)path;
	*xml = NULL;
	return without(err, errlen);
}

int vp_libvirt_volume_xml(const char *name, unsigned long long capacity,
			  char **xml, char *err, size_t errlen)
{
	(void)name;
	(void)capacity;
	*xml = NULL;
	return without(err, errlen);
}

int vp_libvirt_caps_offers(const char *caps_xml, const char *arch,
			   const char *type, char *err, size_t errlen)
{
	(void)caps_xml;
	(void)arch;
	(void)type;
	return without(err, errlen);
}

int vp_libvirt_caps_kvm(const char *caps_xml, char *why, size_t len)
{
	(void)caps_xml;
	return without(why, len);
}

#endif
