package supervisor

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
)

// GoNB v0.11.4 puts the session of the request it answers into the header
// of every reply and every IOPub message (internal/kernel/messages.go,
// NewComposed), where the Jupyter protocol wants the kernel's own session.
// JupyterLab 4 drops a message whose header session differs from the
// previous message's ("Canceling handling of old message"), so while
// jupyter_server's nudge requests (its own session) and the browser's
// (another) interleave at connection time, the kernel_info reply is lost:
// the kernel shows status "unknown" and, in the worst case, the cells of a
// Run All stay queued forever. The supervisor therefore stands between
// Jupyter and GoNB: it binds the ports of the connection file Jupyter wrote,
// starts GoNB on a copy that names Unix sockets in the kernel's folder, relays every channel
// and, on the way out, sets each message's header session to one session of
// the kernel's own and signs it again with the connection key.

// connInfo is a Jupyter connection file.
type connInfo struct {
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	IP              string `json:"ip"`
	Key             string `json:"key"`
	Transport       string `json:"transport"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name"`
}

// relay is a running session-fixing relay between Jupyter and GoNB.
type relay struct {
	key     []byte
	session string
	id      string
	locks   map[zmq4.Socket]*sync.Mutex // one per socket sent on, filled before relaying starts
	pub     zmq4.Socket
	ctx     context.Context
	cancel  context.CancelFunc
	sockets []zmq4.Socket
	wg      sync.WaitGroup
}

// startRelay reads the connection file at path, writes GoNB's copy (same
// key, Unix sockets in dir, same file name so GoNB still reads the kernel
// id from it) into dir and starts relaying. It returns the copy's path.
func startRelay(path, dir string) (*relay, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	var front connInfo
	if err := json.Unmarshal(data, &front); err != nil {
		return nil, "", fmt.Errorf("connection file %s: %w", path, err)
	}
	if front.Transport != "tcp" {
		return nil, "", fmt.Errorf("connection file %s: transport %q (only tcp is relayed)", path, front.Transport)
	}
	if front.SignatureScheme != "" && front.SignatureScheme != "hmac-sha256" {
		return nil, "", fmt.Errorf("connection file %s: signature scheme %q (only hmac-sha256 is relayed)", path, front.SignatureScheme)
	}
	// GoNB listens on Unix sockets in the kernel's private folder: free TCP
	// ports found here could be taken by another kernel starting at the
	// same moment before GoNB binds them (two kernels started together
	// did). Where the path is too long for a socket name, loopback TCP.
	back := front
	backAddr := func(port int) string { return "ipc://" + back.IP + "-" + strconv.Itoa(port) }
	back.Transport, back.IP = "ipc", filepath.Join(dir, "gonb")
	back.ShellPort, back.IOPubPort, back.StdinPort, back.ControlPort, back.HBPort = 1, 2, 3, 4, 5
	if len(back.IP)+3 > 100 {
		ports, err := freePorts(5)
		if err != nil {
			return nil, "", err
		}
		back.Transport, back.IP = "tcp", "127.0.0.1"
		backAddr = func(port int) string { return "tcp://" + net.JoinHostPort(back.IP, strconv.Itoa(port)) }
		back.ShellPort, back.IOPubPort, back.StdinPort, back.ControlPort, back.HBPort = ports[0], ports[1], ports[2], ports[3], ports[4]
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, "", err
	}
	for k, v := range map[string]any{"transport": back.Transport, "ip": back.IP, "shell_port": back.ShellPort, "iopub_port": back.IOPubPort,
		"stdin_port": back.StdinPort, "control_port": back.ControlPort, "hb_port": back.HBPort} {
		raw[k] = v
	}
	out, err := json.Marshal(raw)
	if err != nil {
		return nil, "", err
	}
	inner := filepath.Join(dir, filepath.Base(path))
	if err := os.WriteFile(inner, out, 0o600); err != nil {
		return nil, "", err
	}
	r := &relay{key: []byte(front.Key), session: newSession(), locks: map[zmq4.Socket]*sync.Mutex{}}
	r.id = "neuronb-relay-" + r.session[:8]
	r.ctx, r.cancel = context.WithCancel(context.Background())
	addr := func(ip string, port int) string { return "tcp://" + net.JoinHostPort(ip, strconv.Itoa(port)) }
	dialOpts := []zmq4.Option{zmq4.WithDialerRetry(50 * time.Millisecond), zmq4.WithDialerMaxRetries(400), zmq4.WithAutomaticReconnect(true)}
	listen := func(s zmq4.Socket, port int) error {
		r.sockets = append(r.sockets, s)
		return s.Listen(addr(front.IP, port))
	}
	// The request-reply channels: ROUTER towards Jupyter, DEALER towards
	// GoNB. Identity frames pass through both ways, so GoNB's ROUTER routes
	// each reply to this relay and this relay's ROUTER to the right client.
	type pair struct {
		name           string
		port, backPort int
	}
	var dealers []zmq4.Socket
	var routers []zmq4.Socket
	for _, p := range []pair{{"shell", front.ShellPort, back.ShellPort}, {"control", front.ControlPort, back.ControlPort}, {"stdin", front.StdinPort, back.StdinPort}} {
		router := zmq4.NewRouter(r.ctx, zmq4.WithTimeout(10*time.Second))
		if err := listen(router, p.port); err != nil {
			r.stop()
			return nil, "", fmt.Errorf("relay %s: %w", p.name, err)
		}
		// One identity on every channel, as a Jupyter client does, so
		// that GoNB's stdin requests (addressed with the identities of the
		// shell request) reach this relay.
		dealer := zmq4.NewDealer(r.ctx, append(dialOpts, zmq4.WithID(zmq4.SocketIdentity(r.id)))...)
		r.sockets = append(r.sockets, dealer)
		routers, dealers = append(routers, router), append(dealers, dealer)
	}
	pub := zmq4.NewPub(r.ctx)
	if err := listen(pub, front.IOPubPort); err != nil {
		r.stop()
		return nil, "", fmt.Errorf("relay iopub: %w", err)
	}
	r.pub = pub
	// The heartbeat is answered here: the supervisor lives exactly as long
	// as GoNB, and a REQ socket towards GoNB would wedge on one lost pong.
	hb := zmq4.NewRep(r.ctx)
	if err := listen(hb, front.HBPort); err != nil {
		r.stop()
		return nil, "", fmt.Errorf("relay heartbeat: %w", err)
	}
	sub := zmq4.NewSub(r.ctx, dialOpts...)
	r.sockets = append(r.sockets, sub)
	for _, s := range append(append([]zmq4.Socket{pub}, routers...), dealers...) {
		r.locks[s] = &sync.Mutex{}
	}
	r.echo(hb)

	// GoNB binds its ports only once it runs: dial in the background, each
	// channel on its own, and relay a channel once it is connected.
	backPorts := []int{back.ShellPort, back.ControlPort, back.StdinPort}
	for i := range dealers {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			if dealers[i].Dial(backAddr(backPorts[i])) != nil {
				return
			}
			r.pump(routers[i], dealers[i], false, i == 0)
			r.pump(dealers[i], routers[i], true, false)
		}()
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if sub.Dial(backAddr(back.IOPubPort)) != nil || sub.SetOption(zmq4.OptionSubscribe, "") != nil {
			return
		}
		r.pump(sub, pub, true, false)
	}()
	return r, inner, nil
}

// pump relays every message from src to dst, fixing the session of those
// going out to Jupyter. On the shell channel (answer) the relay answers
// the requests GoNB leaves unanswered itself (see answer).
func (r *relay) pump(src, dst zmq4.Socket, outbound, answer bool) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			msg, err := src.Recv()
			if err != nil {
				if r.ctx.Err() != nil {
					return
				}
				continue
			}
			if outbound {
				msg.Frames = r.fix(msg.Frames)
			} else if answer && r.answer(src, msg.Frames) {
				continue
			}
			if r.send(dst, msg.Frames) != nil && r.ctx.Err() != nil {
				return
			}
		}
	}()
}

// echo answers Jupyter's heartbeat pings.
func (r *relay) echo(hb zmq4.Socket) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			ping, err := hb.Recv()
			if err != nil {
				if r.ctx.Err() != nil {
					return
				}
				continue
			}
			if hb.Send(ping) != nil && r.ctx.Err() != nil {
				return
			}
		}
	}()
}

// send sends frames on s, one sender at a time.
func (r *relay) send(s zmq4.Socket, frames [][]byte) error {
	mu := r.locks[s]
	mu.Lock()
	defer mu.Unlock()
	if len(frames) > 1 {
		return s.SendMulti(zmq4.NewMsgFrom(frames...))
	}
	return s.Send(zmq4.NewMsgFrom(frames...))
}

// answer replies itself to a shell request GoNB v0.11.4 leaves unanswered
// and reports whether it did. history_request: JupyterLab 4 sends it right
// after connecting and takes the kernel's status from the idle that ends
// it (it ignores the status of kernel_info requests), so without an answer
// the status stays "unknown" until the first cell runs. is_complete_request:
// a JupyterLab console waits for the answer before it runs what was typed;
// "unknown" tells it to run it.
func (r *relay) answer(front zmq4.Socket, frames [][]byte) bool {
	d := delimiter(frames)
	if d < 0 || len(frames) < d+6 {
		return false
	}
	var header struct {
		MsgType string `json:"msg_type"`
		Version string `json:"version"`
	}
	if json.Unmarshal(frames[d+2], &header) != nil {
		return false
	}
	var replyType string
	var content map[string]any
	switch header.MsgType {
	case "history_request":
		replyType, content = "history_reply", map[string]any{"status": "ok", "history": []any{}}
	case "is_complete_request":
		replyType, content = "is_complete_reply", map[string]any{"status": "unknown"}
	default:
		return false
	}
	parent := frames[d+2]
	status := func(state string) {
		_ = r.send(r.pub, r.message([][]byte{[]byte("kernel.status")}, "status", parent, map[string]any{"execution_state": state}))
	}
	status("busy")
	_ = r.send(front, r.message(frames[:d], replyType, parent, content))
	status("idle")
	return true
}

// message builds a signed wire message of the kernel's session.
func (r *relay) message(ids [][]byte, msgType string, parent []byte, content any) [][]byte {
	header, _ := json.Marshal(map[string]string{
		"msg_id": newSession(), "session": r.session, "username": "neuronb", "msg_type": msgType,
		"version": "5.3", "date": time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
	})
	body, _ := json.Marshal(content)
	parts := [][]byte{header, parent, []byte("{}"), body}
	out := append(append([][]byte{}, ids...), []byte("<IDS|MSG>"), r.sign(parts))
	return append(out, parts...)
}

func delimiter(frames [][]byte) int {
	for i, f := range frames {
		if string(f) == "<IDS|MSG>" {
			return i
		}
	}
	return -1
}

// fix sets the header session of a wire message (identities, "<IDS|MSG>",
// signature, header, parent header, metadata, content, buffers…) to the
// relay's and signs it again. Frames it cannot read pass unchanged.
func (r *relay) fix(frames [][]byte) [][]byte {
	d := delimiter(frames)
	if d < 0 || len(frames) < d+6 {
		return frames
	}
	var header map[string]json.RawMessage
	if json.Unmarshal(frames[d+2], &header) != nil {
		return frames
	}
	s, _ := json.Marshal(r.session)
	header["session"] = s
	h, err := json.Marshal(header)
	if err != nil {
		return frames
	}
	out := append([][]byte{}, frames...)
	out[d+2] = h
	out[d+1] = r.sign(out[d+2 : d+6])
	return out
}

// sign is the HMAC-SHA256 of the header, parent header, metadata and
// content, in hex (empty without a key).
func (r *relay) sign(parts [][]byte) []byte {
	if len(r.key) == 0 {
		return []byte{}
	}
	m := hmac.New(sha256.New, r.key)
	for _, p := range parts {
		m.Write(p)
	}
	return []byte(hex.EncodeToString(m.Sum(nil)))
}

func (r *relay) stop() {
	r.cancel()
	for _, s := range r.sockets {
		_ = s.Close()
	}
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
}

func newSession() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "neuronb-kernel"
	}
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// freePorts finds n free TCP ports on loopback.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// connectionFileArg returns the index of the connection file in a GoNB
// command line (the argument after --kernel or -kernel, or in
// --kernel=PATH form), or -1.
func connectionFileArg(argv []string) (int, string) {
	for i, a := range argv {
		switch {
		case (a == "--kernel" || a == "-kernel") && i+1 < len(argv):
			return i + 1, argv[i+1]
		case len(a) > 9 && a[:9] == "--kernel=":
			return i, a[9:]
		}
	}
	return -1, ""
}
