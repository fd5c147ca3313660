/* libvirt and libxml2 loaded at run time (dlopen), not linked: the vpbench
 * binary is also the guest's /init, and its shared-library closure goes
 * into every guest initramfs. Linked, libvirt would pull about 60 more
 * libraries (tens of MiB) into every vm guest and its start-up; loaded
 * here, only a run with a libvirt target pays for them, on the host.
 *
 * Code of the libvirt target calls every libvirt and libxml2 function as
 * LV(name)(...) / LX(name)(...) through the tables below (typed from the
 * libraries' own headers), after lv_dl_load() succeeded. */
#ifndef VP_LIBVIRT_DL_H
#define VP_LIBVIRT_DL_H

#include <stddef.h>

#if HAVE_LIBVIRT
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define LV_FUNCS(X)                                                            \
	X(virConnectClose)                                                     \
	X(virConnectDomainEventDeregisterAny)                                  \
	X(virConnectDomainEventRegisterAny)                                    \
	X(virConnectGetCapabilities)                                           \
	X(virConnectGetHostname)                                               \
	X(virConnectGetLibVersion)                                             \
	X(virConnectGetType)                                                   \
	X(virConnectGetVersion)                                                \
	X(virConnectOpen)                                                      \
	X(virConnectRegisterCloseCallback)                                     \
	X(virConnectSetKeepAlive)                                              \
	X(virConnectUnregisterCloseCallback)                                   \
	X(virDomainCreateXML)                                                  \
	X(virDomainDestroy)                                                    \
	X(virDomainFree)                                                       \
	X(virDomainListGetStats)                                               \
	X(virDomainLookupByName)                                               \
	X(virDomainOpenConsole)                                                \
	X(virDomainResume)                                                     \
	X(virDomainStatsRecordListFree)                                        \
	X(virEventAddTimeout)                                                  \
	X(virEventRegisterDefaultImpl)                                         \
	X(virEventRemoveTimeout)                                               \
	X(virEventRunDefaultImpl)                                              \
	X(virGetLastErrorMessage)                                              \
	X(virInitialize)                                                       \
	X(virNodeGetInfo)                                                      \
	X(virResetLastError)                                                   \
	X(virSetErrorFunc)                                                     \
	X(virStoragePoolCreateXML)                                             \
	X(virStoragePoolDefineXML)                                             \
	X(virStoragePoolDelete)                                                \
	X(virStoragePoolDestroy)                                               \
	X(virStoragePoolFree)                                                  \
	X(virStoragePoolListAllVolumes)                                        \
	X(virStoragePoolLookupByName)                                          \
	X(virStoragePoolUndefine)                                              \
	X(virStorageVolCreateXML)                                              \
	X(virStorageVolDelete)                                                 \
	X(virStorageVolFree)                                                   \
	X(virStorageVolGetPath)                                                \
	X(virStorageVolUpload)                                                 \
	X(virStreamAbort)                                                      \
	X(virStreamEventAddCallback)                                           \
	X(virStreamEventRemoveCallback)                                        \
	X(virStreamFinish)                                                     \
	X(virStreamFree)                                                       \
	X(virStreamNew)                                                        \
	X(virStreamRecv)                                                       \
	X(virStreamSend)                                                       \
	X(virStreamSendAll)

struct lv_api {
#define LV_MEMBER(f) __typeof__(f) *f;
	LV_FUNCS(LV_MEMBER)
#undef LV_MEMBER
};
extern struct lv_api lv_api;
#define LV(f) (lv_api.f)

/* Loads libvirt.so.0 once; 0 or -ENOENT with the package to install. */
int lv_dl_load(char *err, size_t errlen);

/* libvirt-qemu.so.0: the QEMU monitor passthrough, for the vCPU thread ids
 * and KVM statistics of a local domain (libvirt_vcpu.c). */
#include <libvirt/libvirt-qemu.h>

#define LVQ_FUNCS(X) X(virDomainQemuMonitorCommand)

struct lvq_api {
#define LV_MEMBER(f) __typeof__(f) *f;
	LVQ_FUNCS(LV_MEMBER)
#undef LV_MEMBER
};
extern struct lvq_api lvq_api;
#define LVQ(f) (lvq_api.f)

/* Loads libvirt-qemu.so.0 once; 0 or -ENOENT with the reason. */
int lvq_dl_load(char *err, size_t errlen);
#endif

#if HAVE_LIBXML2
#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <libxml/xpath.h>

#define LX_FUNCS(X)                                                            \
	X(xmlBufferContent)                                                    \
	X(xmlBufferCreate)                                                     \
	X(xmlBufferFree)                                                       \
	X(xmlFreeDoc)                                                          \
	X(xmlFreeTextWriter)                                                   \
	X(xmlNewTextWriterMemory)                                              \
	X(xmlReadMemory)                                                       \
	X(xmlTextWriterEndDocument)                                            \
	X(xmlTextWriterEndElement)                                             \
	X(xmlTextWriterSetIndent)                                              \
	X(xmlTextWriterStartElement)                                           \
	X(xmlTextWriterWriteAttribute)                                         \
	X(xmlTextWriterWriteElement)                                           \
	X(xmlTextWriterWriteString)                                            \
	X(xmlXPathEvalExpression)                                              \
	X(xmlXPathFreeContext)                                                 \
	X(xmlXPathFreeObject)                                                  \
	X(xmlXPathNewContext)

struct lx_api {
#define LX_MEMBER(f) __typeof__(f) *f;
	LX_FUNCS(LX_MEMBER)
#undef LX_MEMBER
};
extern struct lx_api lx_api;
#define LX(f) (lx_api.f)

/* Loads libxml2.so.2 once; 0 or -ENOENT with the package to install. */
int lx_dl_load(char *err, size_t errlen);
#endif

#endif
