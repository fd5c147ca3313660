/* net.* workloads: the hello's framing and checks, the token, the peer spec
 * the agent receives, exact-length reads across partial transfers, the
 * handshake against a real peer on 127.0.0.1 (accepted and refused), a
 * request/response through it, the vm target's net/vhost conditions, its
 * NIC in the QEMU argv, the guest's vpbench.net parameter and the Why
 * section's reading of a net.rr cell. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "reports/why.h"
#include "runner/guest/guest_init.h"
#include "runner/targets/qemu.h"
#include "runner/targets/vm_cond.h"
#include "workloads/net.h"
#include "workloads/net_proto.h"

static char err[512];

static const uint8_t tok[VP_NET_TOKEN_LEN] = {1, 2,  3,	 4,  5,	 6,  7,	 8,
					      9, 10, 11, 12, 13, 14, 15, 16};

Test(net, hello_round_trip_and_layout)
{
	struct vp_net_hello h = {.mode = VP_NET_RR, .msg = 0x01020304}, back;
	uint8_t buf[VP_NET_HELLO_LEN];

	memcpy(h.token, tok, sizeof(tok));
	vp_net_hello_encode(&h, buf);
	cr_expect_eq(memcmp(buf, "VPNT", 4), 0);
	cr_expect_eq(buf[4], VP_NET_VERSION);
	cr_expect_eq(buf[5], 'r');
	/* big-endian size */
	cr_expect(buf[8] == 1 && buf[9] == 2 && buf[10] == 3 && buf[11] == 4);
	cr_expect_eq(memcmp(buf + 12, tok, sizeof(tok)), 0);
	h.msg = 64;
	vp_net_hello_encode(&h, buf);
	cr_assert_eq(vp_net_hello_check(buf, tok, &back), 0);
	cr_expect_eq(back.mode, VP_NET_RR);
	cr_expect_eq(back.msg, 64);
}

Test(net, hello_refusals)
{
	struct vp_net_hello h = {.mode = VP_NET_STREAM, .msg = 128 << 10}, back;
	uint8_t buf[VP_NET_HELLO_LEN], other[VP_NET_TOKEN_LEN];

	memcpy(h.token, tok, sizeof(tok));
	memcpy(other, tok, sizeof(tok));
	other[15] ^= 0x80; /* the last byte only */
	vp_net_hello_encode(&h, buf);
	cr_expect_eq(vp_net_hello_check(buf, other, &back),
		     VP_NET_REFUSE_TOKEN);
	cr_expect_str_eq(vp_net_refuse_text(VP_NET_REFUSE_TOKEN),
			 "wrong token (a peer of another run)");
	buf[0] = 'X';
	cr_expect_eq(vp_net_hello_check(buf, tok, &back), VP_NET_REFUSE_MAGIC);
	vp_net_hello_encode(&h, buf);
	buf[4] = VP_NET_VERSION + 1;
	cr_expect_eq(vp_net_hello_check(buf, tok, &back),
		     VP_NET_REFUSE_VERSION);
	vp_net_hello_encode(&h, buf);
	buf[5] = 'x';
	cr_expect_eq(vp_net_hello_check(buf, tok, &back), VP_NET_REFUSE_MODE);
	h.msg = 0;
	vp_net_hello_encode(&h, buf);
	cr_expect_eq(vp_net_hello_check(buf, tok, &back), VP_NET_REFUSE_MSG);
	h.msg = VP_NET_MSG_MAX + 1;
	vp_net_hello_encode(&h, buf);
	cr_expect_eq(vp_net_hello_check(buf, tok, &back), VP_NET_REFUSE_MSG);
}

Test(net, token_hex)
{
	char hex[33];
	uint8_t back[VP_NET_TOKEN_LEN], a[VP_NET_TOKEN_LEN],
	    b[VP_NET_TOKEN_LEN];

	vp_net_token_hex(tok, hex);
	cr_expect_str_eq(hex, "0102030405060708090a0b0c0d0e0f10");
	cr_assert_eq(vp_net_token_parse(hex, back), 0);
	cr_expect_eq(memcmp(back, tok, sizeof(tok)), 0);
	cr_expect_eq(vp_net_token_parse("0102", back), -EINVAL);
	cr_expect_eq(
	    vp_net_token_parse("zz02030405060708090a0b0c0d0e0f10", back),
	    -EINVAL);
	cr_assert_eq(vp_net_token_new(a), 0);
	cr_assert_eq(vp_net_token_new(b), 0);
	cr_expect_neq(memcmp(a, b, sizeof(a)), 0, "two tokens alike");
}

Test(net, peer_spec)
{
	char addr[64];
	unsigned port = 0;
	uint8_t t[VP_NET_TOKEN_LEN];

	cr_assert_eq(vp_net_peer_parse("10.0.2.2:4242:"
				       "0102030405060708090a0b0c0d0e0f10",
				       addr, sizeof(addr), &port, t, err,
				       sizeof(err)),
		     0, "%s", err);
	cr_expect_str_eq(addr, "10.0.2.2");
	cr_expect_eq(port, 4242);
	cr_expect_eq(memcmp(t, tok, sizeof(tok)), 0);
	cr_expect_eq(vp_net_peer_parse(NULL, addr, sizeof(addr), &port, t, err,
				       sizeof(err)),
		     -EOPNOTSUPP);
	cr_expect(strstr(err, "no host-side peer") != NULL, "%s", err);
	static const char *const bad[] = {
	    "10.0.2.2", "10.0.2.2:0:0102030405060708090a0b0c0d0e0f10",
	    "10.0.2.2:70000:0102030405060708090a0b0c0d0e0f10",
	    ":1:0102030405060708090a0b0c0d0e0f10", "10.0.2.2:1:abc"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(vp_net_peer_parse(bad[i], addr, sizeof(addr),
					       &port, t, err, sizeof(err)),
			     -EINVAL, "%s", bad[i]);
}

struct dribble {
	int fd;
	const char *data;
	size_t n;
};

/* Sends one byte at a time, so the reader sees many partial reads. */
static void *dribble_main(void *arg)
{
	struct dribble *d = arg;

	for (size_t i = 0; i < d->n; i++) {
		cr_assert_eq(write(d->fd, d->data + i, 1), 1);
		usleep(200);
	}
	return NULL;
}

Test(net, framing_exact_reads)
{
	int sv[2];
	char got[32] = "";
	struct dribble d = {0, "request of 20 bytes!", 20};
	pthread_t th;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	d.fd = sv[1];
	pthread_create(&th, NULL, dribble_main, &d);
	cr_assert_eq(vp_net_read_full(sv[0], got, 20), 0);
	pthread_join(th, NULL);
	cr_expect_eq(memcmp(got, d.data, 20), 0);
	/* Half a message, then end of file: the peer closed mid-frame. */
	cr_assert_eq(vp_net_write_full(sv[1], "abc", 3), 0);
	close(sv[1]);
	cr_expect_eq(vp_net_read_full(sv[0], got, 8), -EPIPE);
	cr_expect_eq(vp_net_write_full(sv[0], "x", 1), -EPIPE);
	close(sv[0]);
}

Test(net, handshake_and_round_trip)
{
	struct vp_net_peer p;
	struct vp_net_hello h = {.mode = VP_NET_RR, .msg = 64};
	uint8_t msg[64], back[64];
	int fd;

	cr_assert_eq(vp_net_peer_start(&p, "127.0.0.1", err, sizeof(err)), 0,
		     "%s", err);
	cr_expect_gt(p.port, 0);
	memcpy(h.token, p.token, sizeof(h.token));
	fd = vp_net_connect("127.0.0.1", p.port, &h, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	for (int r = 0; r < 100; r++) {
		cr_assert_eq(vp_net_write_full(fd, msg, sizeof(msg)), 0);
		cr_assert_eq(vp_net_read_full(fd, back, sizeof(back)), 0);
		cr_assert_eq(memcmp(msg, back, sizeof(msg)), 0);
	}
	close(fd);

	/* A foreign client: refused with the reason, nothing served. */
	h.token[0] ^= 1;
	fd = vp_net_connect("127.0.0.1", p.port, &h, err, sizeof(err));
	cr_expect_eq(fd, -ECONNREFUSED);
	cr_expect(strstr(err, "wrong token") != NULL, "%s", err);
	vp_net_peer_stop(&p);
	cr_expect_eq(atomic_load(&p.served), 1);
	cr_expect_eq(atomic_load(&p.refused), 1);

	/* Nobody listening any more. */
	h.token[0] ^= 1;
	fd = vp_net_connect("127.0.0.1", p.port, &h, err, sizeof(err));
	cr_expect_lt(fd, 0);
	cr_expect(strstr(err, "no peer reachable") != NULL, "%s", err);
}

Test(net, stop_ends_open_connections)
{
	struct vp_net_peer p;
	struct vp_net_hello h = {.mode = VP_NET_STREAM, .msg = 4096};
	char buf[16];
	int fd;

	cr_assert_eq(vp_net_peer_start(&p, "127.0.0.1", err, sizeof(err)), 0,
		     "%s", err);
	memcpy(h.token, p.token, sizeof(h.token));
	fd = vp_net_connect("127.0.0.1", p.port, &h, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	/* The client holds its connection open: stop must not hang. */
	vp_net_peer_stop(&p);
	cr_expect_eq(recv(fd, buf, sizeof(buf), 0), 0);
	close(fd);
}

Test(net, conditions)
{
	struct vp_vm_cond c;
	char buf[256];

	cr_assert_eq(
	    vp_vm_cond_parse("vhost=off,net=user", &c, err, sizeof(err)), 0,
	    "%s", err);
	vp_vm_cond_format(&c, buf, sizeof(buf));
	cr_expect_str_eq(buf, "net=user,vhost=off");
	cr_expect_eq(c.v[VP_COND_NET], 0);
	cr_assert_eq(vp_vm_cond_parse("net=tap,pvspin=off,vhost=on", &c, err,
				      sizeof(err)),
		     0, "%s", err);
	vp_vm_cond_format(&c, buf, sizeof(buf));
	cr_expect_str_eq(buf, "pvspin=off,net=tap,vhost=on");
	/* Not KVM-only: refused per host (vm_net.c), not per accelerator. */
	cr_assert_eq(vp_vm_cond_parse("net=tap,vhost=on", &c, err, sizeof(err)),
		     0, "%s", err);
	cr_expect_null(vp_vm_cond_tcg_refusal(&c, buf, sizeof(buf)));
	cr_expect_eq(vp_vm_cond_parse("net=on", &c, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "use tap or user") != NULL, "%s", err);
	cr_expect_eq(vp_vm_cond_parse("net", &c, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "net=tap or net=user") != NULL, "%s", err);
	cr_expect_eq(vp_vm_cond_parse("vhost=user", &c, err, sizeof(err)),
		     -EINVAL);
	cr_expect(strstr(err, "use on or off") != NULL, "%s", err);
}

Test(net, qemu_nic_argv)
{
	struct vp_qemu_cfg c = {.qemu = "qemu-system-x86_64",
				.kernel = "/k",
				.initrd = "/i",
				.append = "a",
				.vcpus = 2,
				.mem_mb = 512,
				.console_log = "/c"};
	struct vp_strlist a = {0};

	cr_assert_eq(vp_qemu_build_argv(&c, &a), 0);
	cr_expect(!vp_strlist_has(&a, "-netdev"), "no NIC unless asked");
	vp_strlist_free(&a);
	c.nic = "user";
	cr_assert_eq(vp_qemu_build_argv(&c, &a), 0);
	cr_expect(vp_strlist_has(&a, "-netdev"));
	cr_expect(vp_strlist_has(&a, "user,id=vpnet,ipv6=off"));
	cr_expect(vp_strlist_has(&a, "virtio-net-pci,netdev=vpnet,romfile="));
	vp_strlist_free(&a);
	c.nic = "tap";
	c.nic_fd = 7;
	c.nic_vhost = true;
	cr_assert_eq(vp_qemu_build_argv(&c, &a), 0);
	cr_expect(vp_strlist_has(&a, "tap,id=vpnet,fd=7,vhost=on"));
	vp_strlist_free(&a);
}

Test(net, guest_param)
{
	struct vp_guest_params p;

	vp_guest_params_parse("quiet vpbench.net=10.0.2.2:41000:"
			      "0102030405060708090a0b0c0d0e0f10 vpbench.disk=1",
			      &p);
	cr_expect_str_eq(p.net, "10.0.2.2:41000:"
				"0102030405060708090a0b0c0d0e0f10");
	cr_expect_eq(p.disk, 1);
	vp_guest_params_parse("quiet", &p);
	cr_expect_str_eq(p.net, "");
}

/* The Why section's reading of a net.rr cell (round-trip p99 in ns). */
static void read_net(struct vp_why_cell *c, double p99_ns, double vcpu_delay,
		     bool vm)
{
	*c = (struct vp_why_cell){.threads = 2,
				  .kind = VP_WHY_NET,
				  .guest = p99_ns,
				  .vcpu_delay = vcpu_delay,
				  .vcpu_run = NAN,
				  .runq_delay = NAN,
				  .steal = NAN,
				  .kvm_exits = NAN,
				  .kvm_halt_exits = NAN,
				  .kvm_yields = NAN,
				  .p999 = NAN,
				  .p9999 = NAN,
				  .tail_n = NAN,
				  .cpus = 2,
				  .host_cpus = 2,
				  .vm = vm};
	vp_why_read(c, "vm2");
}

Test(net, why_reading)
{
	struct vp_why_cell c;

	cr_expect_eq(vp_why_kind_of("net.rr"), VP_WHY_NET);
	cr_expect_eq(vp_why_kind_of("net.stream"), -1);
	read_net(&c, 2.5e6, 12, true);
	cr_expect(strstr(c.reading, "round-trip p99 2.5 ms") != NULL, "%s",
		  c.reading);
	cr_expect(strstr(c.reading, "the vCPUs waited in the host run queue"),
		  "%s", c.reading);
	read_net(&c, 2.5e6, 0.5, true);
	cr_expect(strstr(c.reading, "the virtual NIC's path"), "%s", c.reading);
	read_net(&c, 40e3, NAN, false);
	cr_expect(strstr(c.reading, "round trips within 1 ms at p99"), "%s",
		  c.reading);
}
