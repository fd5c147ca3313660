/* The XML the libvirt target hands to libvirt, written with libxml2's
 * xmlTextWriter (every value escaped by the writer, never pasted into a
 * string), and the one question it asks of libvirt's capabilities XML.
 * Pure: no connection needed, so the documents are unit-tested by parsing
 * them back. Without libxml2 every function returns -ENOSYS with "built
 * without libxml2". */
#ifndef VP_LIBVIRT_XML_H
#define VP_LIBVIRT_XML_H

#include <stdbool.h>
#include <stddef.h>

/* Aliases of the guest's two serial ports, for virDomainOpenConsole:
 * ttyS0 is the kernel console, ttyS1 the agent channel. User aliases must
 * start with "ua-". */
#define VP_LIBVIRT_CONSOLE_ALIAS "ua-vpconsole"
#define VP_LIBVIRT_AGENT_ALIAS	 "ua-vpagent"

struct vp_libvirt_domain_cfg {
	const char *name;
	bool kvm; /* domain type kvm (host-passthrough CPU), else
		   * qemu (TCG, CPU model "maximum") */
	unsigned vcpus, mem_mb;
	const char *kernel; /* paths on the libvirt host (volume paths) */
	const char *initrd;
	const char *cmdline;		  /* kernel command line */
	const char *disk;		  /* raw scratch volume path or NULL */
	const char *disk_cache, *disk_io; /* e.g. "none", "native" */
};

/* A transient domain: direct kernel boot, no network, no graphics, no
 * balloon, two pty serial ports (console, agent channel), the scratch disk
 * on virtio-blk, and every stop (power-off, reboot, crash) ending it.
 * *xml is malloc'd. 0 or -errno with a message. */
int vp_libvirt_domain_xml(const struct vp_libvirt_domain_cfg *c, char **xml,
			  char *err, size_t errlen);

/* A directory storage pool at path. */
int vp_libvirt_pool_xml(const char *name, const char *path, char **xml,
			char *err, size_t errlen);

/* A raw volume of capacity bytes (sparse: allocation 0). */
int vp_libvirt_volume_xml(const char *name, unsigned long long capacity,
			  char **xml, char *err, size_t errlen);

/* Does the capabilities XML offer domain type `type` (kvm) for guests of
 * arch (x86_64)? 1 yes, 0 no, -errno when the XML does not parse. */
int vp_libvirt_caps_offers(const char *caps_xml, const char *arch,
			   const char *type, char *err, size_t errlen);

/* Can kvm domains run there: offered for x86_64 guests and the host CPU
 * has vmx or svm? 1 yes; 0 no with why; -errno with why. */
int vp_libvirt_caps_kvm(const char *caps_xml, char *why, size_t len);

#endif
