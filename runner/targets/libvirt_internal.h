/* Private to the libvirt target (libvirt*.c): its state and the pieces one
 * run is made of. Only compiled with HAVE_LIBVIRT. */
#ifndef VP_LIBVIRT_INTERNAL_H
#define VP_LIBVIRT_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "runner/targets/libvirt_dl.h"

#include "runner/guest/guest.h"
#include "runner/targets/libvirt_stats.h"
#include "runner/targets/mark_tee.h"
#include "runner/targets/qmp_stats.h"
#include "runner/targets/target.h"
#include "runner/targets/vcpu_stats.h"

#define LV_MEM_MB 512

/* One console stream (a guest serial port) bridged to a file descriptor by
 * the event loop thread: the agent channel into a socket the collector
 * reads, the kernel console into console-<target>.log. Shared between the
 * loop's callback and the target, hence the lock; the reference count
 * covers the target and queued sends, the last one dropped in the loop
 * thread (lv_stream_close), where no callback can still be running. */
struct lv_stream {
	pthread_mutex_t lock;
	int refs;
	virStreamPtr st;
	int fd;		 /* where data goes; -1 once closed */
	bool ended;	 /* EOF or error seen */
	char error[256]; /* libvirt's message when the stream failed */
};

struct lv_state {
	char uri[128];
	char base[96];	/* vpbench-<run id>-<n>: every object's prefix */
	char safe[128]; /* the target name made file-safe */
	char console[PATH_MAX];
	char initrd[PATH_MAX]; /* local initramfs, removed after upload */
	struct vp_guest_kernel k;
	char fault[16];
	virConnectPtr conn;
	bool kvm;
	char accel_why[256];
	/* Storage: the run's transient directory pool and its volumes. */
	char pool_name[128], pool_xml[1024];
	virStoragePoolPtr pool;
	virStorageVolPtr vols[3];
	size_t nvols;
	char kernel_path[PATH_MAX], initrd_path[PATH_MAX], disk_path[PATH_MAX];
	double upload_s;
	/* The domain and what libvirt told about it (event loop thread). */
	char dom_name[128];
	virDomainPtr dom;
	int lifecycle_cb; /* callback id, -1 = none */
	bool close_cb;
	volatile int stopped;	     /* a STOPPED event came */
	volatile int stopped_detail; /* its virDomainEventStoppedDetailType */
	volatile int we_stop;	     /* teardown destroys it, not a fault */
	volatile int conn_lost;	     /* the connection closed */
	char conn_lost_why[128];
	struct lv_stream *agent, *cons;
	double domain_start_s;
	bool started; /* a domain of this target ran (a boot can be retried) */
};

/* libvirt_conn.c: the process-wide event loop (streams, lifecycle events,
 * keepalive and close detection need one), connecting with the callbacks
 * registered, and libvirt's last error as text. */
int lv_event_loop_start(char *err, size_t errlen);
int lv_connect(struct lv_state *s, char *err, size_t errlen);
int lv_watch_domain(struct lv_state *s, char *err, size_t errlen);
void lv_disconnect(struct lv_state *s);
const char *lv_error(void);
/* Runs fn(arg) once in the event loop thread (soon). 0 or -1. */
int lv_in_loop(void (*fn)(void *arg), void *arg);

/* libvirt_storage.c: pool and volumes on the libvirt host. */
int lv_storage_create(struct vp_target *t, struct lv_state *s, char *err,
		      size_t errlen);
/* Deletes the volumes, the pool and its folder; reconnected: the handles
 * are from a lost connection, look them up again by name first. */
void lv_storage_delete(struct lv_state *s, bool reconnected);

/* libvirt_console.c: console streams. */
struct lv_stream *lv_stream_open(struct lv_state *s, const char *alias, int fd,
				 char *err, size_t errlen);
/* Sends bytes to the guest through the stream (from the loop thread). */
int lv_stream_send(struct lv_stream *ls, const char *data, size_t len);
/* Stops the bridge, closes its fd, drops the target's reference. */
void lv_stream_close(struct lv_stream *ls);

/* libvirt_collect.c: one boot: start the domain (named <base>-<attempt>),
 * collect the agent's stream. *booted tells whether the agent got to send
 * a record (a failure before that can be retried without losing rows). */
int lv_run(struct vp_target *t, struct lv_state *s, struct vp_emitter *out,
	   int attempt, bool *booted, char *err, size_t errlen);
/* libvirt.c: the accelerator facts, once the domain type is settled. */
void lv_env_accel(struct vp_target *t, struct lv_state *s,
		  struct vp_emitter *out);
/* Destroys the domain if it still runs (teardown, every exit path). */
void lv_domain_stop(struct lv_state *s);

/* libvirt_sample.c: host-side vCPU statistics at the agent's step marks,
 * through a mark tee between the collector and the run's emitter. */
struct lv_sampler {
	struct vp_mark_tee tee;
	struct lv_state *s;
	struct vp_domstats_sample b; /* the open step's begin sample */
	bool have_b;
	char b_why[256]; /* why there is none */
	/* The domain's QEMU on this machine (libvirt_vcpu.c): its vCPU
	 * threads (ntids 0: vcpu_why says why not) and KVM statistics. */
	pid_t pid;
	int tids[VP_VCPU_MAX];
	size_t ntids;
	char vcpu_why[256];
	bool kvm_ok;
	char kvm_why[256];
	struct vp_kvm_schema schema;
	struct vp_vcpu_sample vb; /* the open step's begin samples */
	struct vp_kvm_sample kb;
	int kb_err;
	char kb_why[256];
};
/* ti: the target's fields until the guest's rows say otherwise. */
void lv_sampler_open(struct lv_sampler *smp, struct lv_state *s,
		     struct vp_emitter *out, const struct vp_target_info *ti);
struct vp_emitter *lv_sampler_emitter(struct lv_sampler *smp);
/* Writes what is still held. */
void lv_sampler_close(struct lv_sampler *smp);

/* libvirt_vcpu.c: the domain's QEMU seen from this machine, for the rows
 * the vm target writes from QEMU itself (vcpu_preemptions, kvm.*). A
 * local URI (target names it): thread ids and KVM schema through the QEMU
 * monitor passthrough; a remote one: the reasons. Never fails the run. */
void lv_vcpu_open(struct lv_sampler *smp, const char *target);
/* A sample of the vCPU threads and, with a KVM schema, of the statistics
 * (*kerr, kwhy: why that one failed). */
void lv_vcpu_take(struct lv_sampler *smp, struct vp_vcpu_sample *v,
		  struct vp_kvm_sample *k, int *kerr, char *kwhy, size_t len,
		  double now);
/* A step's vcpu_preemptions and kvm.* rows from the begin samples in smp
 * and the end samples. */
void lv_vcpu_rows(const struct lv_sampler *smp, const struct vp_vcpu_sample *e,
		  const struct vp_kvm_sample *ke, int kerr, const char *kwhy,
		  struct vp_metrics *m);

#endif
