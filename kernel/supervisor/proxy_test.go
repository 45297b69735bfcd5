package supervisor

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

const testKey = "a0436f6c-1916-498b-8eb9-e81ab9368e84"

// wire is a Jupyter message as it travels: identities, then the signed
// parts.
type wire struct {
	ids                           [][]byte
	sig                           string
	header, parent, meta, content map[string]any
	rawHeader, rawParent, rawMeta []byte
	rawContent                    []byte
}

func hmacHex(parts ...[]byte) string {
	m := hmac.New(sha256.New, []byte(testKey))
	for _, p := range parts {
		m.Write(p)
	}
	return hex.EncodeToString(m.Sum(nil))
}

func parseWire(t *testing.T, frames [][]byte) wire {
	t.Helper()
	d := delimiter(frames)
	if d < 0 || len(frames) < d+6 {
		t.Fatalf("not a Jupyter message: %q", frames)
	}
	w := wire{ids: frames[:d], sig: string(frames[d+1]), rawHeader: frames[d+2], rawParent: frames[d+3], rawMeta: frames[d+4], rawContent: frames[d+5]}
	for _, p := range []struct {
		raw []byte
		dst *map[string]any
	}{{w.rawHeader, &w.header}, {w.rawParent, &w.parent}, {w.rawMeta, &w.meta}, {w.rawContent, &w.content}} {
		if err := json.Unmarshal(p.raw, p.dst); err != nil {
			t.Fatalf("message part %q: %v", p.raw, err)
		}
	}
	return w
}

// signedOK reports whether the signature is the HMAC of the key, computed
// independently of the relay.
func (w wire) signedOK() bool {
	return w.sig == hmacHex(w.rawHeader, w.rawParent, w.rawMeta, w.rawContent)
}

func encode(ids [][]byte, header, parent, content map[string]any) [][]byte {
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(parent)
	c, _ := json.Marshal(content)
	out := append(append([][]byte{}, ids...), []byte("<IDS|MSG>"), []byte(hmacHex(h, p, []byte("{}"), c)))
	return append(out, h, p, []byte("{}"), c)
}

func request(session, id, msgType string, content map[string]any) [][]byte {
	return encode(nil, map[string]any{"msg_id": id, "session": session, "username": "u", "msg_type": msgType, "version": "5.3", "date": "2026-12-02T00:00:00Z"}, map[string]any{}, content)
}

// fakeGoNB answers as GoNB v0.11.4 does: every reply and status carries the
// session of the request it answers. An execute_request also asks for
// input on stdin, addressed with the shell request's identities. It records
// the message types it saw.
func fakeGoNB(t *testing.T, ctx context.Context, conn connInfo, seen chan<- string) {
	t.Helper()
	addr := func(port int) string { return "tcp://127.0.0.1:" + strconv.Itoa(port) }
	if conn.Transport == "ipc" {
		addr = func(port int) string { return "ipc://" + conn.IP + "-" + strconv.Itoa(port) }
	}
	shell, stdin, pub := zmq4.NewRouter(ctx), zmq4.NewRouter(ctx), zmq4.NewPub(ctx)
	for s, port := range map[zmq4.Socket]int{shell: conn.ShellPort, stdin: conn.StdinPort, pub: conn.IOPubPort} {
		if err := s.Listen(addr(port)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
	}
	go func() {
		for {
			msg, err := shell.Recv()
			if err != nil {
				return
			}
			d := delimiter(msg.Frames)
			var h map[string]any
			_ = json.Unmarshal(msg.Frames[d+2], &h)
			ids := msg.Frames[:d]
			typ := h["msg_type"].(string)
			seen <- typ
			reply := func(sock zmq4.Socket, ids [][]byte, msgType string, content map[string]any) {
				hdr := map[string]any{"msg_id": fmt.Sprint(time.Now().UnixNano()), "session": h["session"], "username": "gonb", "msg_type": msgType, "version": "5.3", "date": "2026-12-02T00:00:00Z"}
				_ = sock.SendMulti(zmq4.NewMsgFrom(encode(ids, hdr, h, content)...))
			}
			reply(pub, [][]byte{[]byte("status")}, "status", map[string]any{"execution_state": "busy"})
			switch typ {
			case "kernel_info_request":
				reply(shell, ids, "kernel_info_reply", map[string]any{"status": "ok"})
			case "execute_request":
				reply(stdin, ids, "input_request", map[string]any{"prompt": "?"})
				reply(shell, ids, "execute_reply", map[string]any{"status": "ok"})
			}
			reply(pub, [][]byte{[]byte("status")}, "status", map[string]any{"execution_state": "idle"})
		}
	}()
}

func TestRelayGivesEveryMessageTheKernelsSessionAndAnswersHistory(t *testing.T) {
	dir := t.TempDir()
	ports, err := freePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	front := connInfo{ShellPort: ports[0], IOPubPort: ports[1], StdinPort: ports[2], ControlPort: ports[3], HBPort: ports[4],
		IP: "127.0.0.1", Key: testKey, Transport: "tcp", SignatureScheme: "hmac-sha256", KernelName: "neuronb"}
	raw, _ := json.Marshal(front)
	conn := filepath.Join(dir, "kernel-1234.json")
	if err := os.WriteFile(conn, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	inner := filepath.Join(dir, "inner")
	if err := os.Mkdir(inner, 0o700); err != nil {
		t.Fatal(err)
	}
	r, innerPath, err := startRelay(conn, inner)
	if err != nil {
		t.Fatal(err)
	}
	defer r.stop()
	if filepath.Base(innerPath) != filepath.Base(conn) {
		t.Errorf("GoNB's connection file is %s; GoNB reads the kernel id from the name %s", innerPath, filepath.Base(conn))
	}
	var back connInfo
	data, _ := os.ReadFile(innerPath)
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Key != testKey || back.Transport != "ipc" || filepath.Dir(back.IP) != inner {
		t.Fatalf("GoNB's connection file %+v: want the same key and Unix sockets in %s", back, inner)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := make(chan string, 100)
	fakeGoNB(t, ctx, back, seen)

	addr := func(port int) string { return "tcp://" + net.JoinHostPort(front.IP, strconv.Itoa(port)) }
	client := func(id string) (shell, stdin zmq4.Socket) {
		shell = zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity(id)), zmq4.WithTimeout(5*time.Second))
		stdin = zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity(id)), zmq4.WithTimeout(5*time.Second))
		for s, port := range map[zmq4.Socket]int{shell: front.ShellPort, stdin: front.StdinPort} {
			if err := s.Dial(addr(port)); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
		}
		return
	}
	shellA, stdinA := client("browser")
	shellB, _ := client("server")
	sub := zmq4.NewSub(ctx)
	if err := sub.Dial(addr(front.IOPubPort)); err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	_ = sub.SetOption(zmq4.OptionSubscribe, "")
	iopub := make(chan wire, 100)
	go func() {
		for {
			m, err := sub.Recv()
			if err != nil {
				return
			}
			iopub <- parseWire(t, m.Frames)
		}
	}()
	recv := func(s zmq4.Socket, what string) wire {
		t.Helper()
		done := make(chan zmq4.Msg, 1)
		errs := make(chan error, 1)
		go func() {
			m, err := s.Recv()
			if err != nil {
				errs <- err
				return
			}
			done <- m
		}()
		select {
		case m := <-done:
			return parseWire(t, m.Frames)
		case err := <-errs:
			t.Fatalf("%s: %v", what, err)
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: nothing within 20 s", what)
		}
		return wire{}
	}

	// Until PUB and SUB are connected end to end, status messages are lost:
	// ask until one arrives.
	var session string
	for i := 0; session == "" && i < 100; i++ {
		if err := shellA.SendMulti(zmq4.NewMsgFrom(request("A", "warm"+strconv.Itoa(i), "kernel_info_request", map[string]any{})...)); err != nil {
			t.Fatal(err)
		}
		w := recv(shellA, "kernel_info_reply to A")
		session, _ = w.header["session"].(string)
		select {
		case <-iopub:
		case <-time.After(200 * time.Millisecond):
			session = ""
		}
	}
	if session == "" || session == "A" {
		t.Fatalf("the relay did not give the reply the kernel's own session (got %q)", session)
	}
	time.Sleep(100 * time.Millisecond)
	for len(iopub) > 0 {
		<-iopub
	}

	// Two clients with their own sessions, as jupyter_server and the
	// browser are: every message back has the one kernel session and a
	// signature valid under the connection key, and replies reach their
	// own client.
	for _, c := range []struct {
		sock        zmq4.Socket
		session, id string
	}{{shellA, "A", "a1"}, {shellB, "B", "b1"}, {shellA, "A", "a2"}} {
		if err := c.sock.SendMulti(zmq4.NewMsgFrom(request(c.session, c.id, "kernel_info_request", map[string]any{})...)); err != nil {
			t.Fatal(err)
		}
		w := recv(c.sock, "kernel_info_reply to "+c.session)
		if w.header["session"] != session || w.header["msg_type"] != "kernel_info_reply" || w.parent["msg_id"] != c.id || !w.signedOK() {
			t.Errorf("reply to %s: header %v parent %v, signature ok %v; want session %s, parent %s", c.id, w.header, w.parent, w.signedOK(), session, c.id)
		}
		for _, state := range []string{"busy", "idle"} {
			select {
			case s := <-iopub:
				if s.header["session"] != session || s.content["execution_state"] != state || s.parent["msg_id"] != c.id || !s.signedOK() {
					t.Errorf("status for %s: header %v content %v signature ok %v", c.id, s.header, s.content, s.signedOK())
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("no %s status for %s", state, c.id)
			}
		}
	}

	// history_request, which GoNB leaves unanswered, is answered by the
	// relay with busy, an empty ok reply and idle, and not passed on.
	if err := shellB.SendMulti(zmq4.NewMsgFrom(request("B", "h1", "history_request", map[string]any{"hist_access_type": "tail", "n": 3})...)); err != nil {
		t.Fatal(err)
	}
	w := recv(shellB, "history_reply")
	if w.header["msg_type"] != "history_reply" || w.header["session"] != session || w.parent["msg_id"] != "h1" || w.content["status"] != "ok" || !w.signedOK() {
		t.Errorf("history reply: header %v parent %v content %v signature ok %v", w.header, w.parent, w.content, w.signedOK())
	}
	if h, ok := w.content["history"].([]any); !ok || len(h) != 0 {
		t.Errorf("history reply content %v: want an empty history", w.content)
	}
	for _, state := range []string{"busy", "idle"} {
		select {
		case s := <-iopub:
			if s.content["execution_state"] != state || s.parent["msg_id"] != "h1" || s.header["session"] != session || !s.signedOK() {
				t.Errorf("status around the history reply: %v %v", s.header, s.content)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s status for the history request", state)
		}
	}

	// is_complete_request, also unanswered by GoNB: "unknown".
	if err := shellA.SendMulti(zmq4.NewMsgFrom(request("A", "c1", "is_complete_request", map[string]any{"code": "x := 1"})...)); err != nil {
		t.Fatal(err)
	}
	if w := recv(shellA, "is_complete_reply"); w.header["msg_type"] != "is_complete_reply" || w.content["status"] != "unknown" || w.parent["msg_id"] != "c1" || !w.signedOK() {
		t.Errorf("is_complete reply: header %v content %v", w.header, w.content)
	}
	for range 2 {
		select {
		case <-iopub:
		case <-time.After(5 * time.Second):
			t.Fatal("no status around the is_complete reply")
		}
	}

	// stdin: GoNB addresses an input request with the identities of the
	// shell request; it reaches the client that sent it.
	if err := shellA.SendMulti(zmq4.NewMsgFrom(request("A", "e1", "execute_request", map[string]any{"code": "x", "allow_stdin": true})...)); err != nil {
		t.Fatal(err)
	}
	in := recv(stdinA, "input_request")
	if in.header["msg_type"] != "input_request" || in.parent["msg_id"] != "e1" || in.header["session"] != session || !in.signedOK() {
		t.Errorf("input request: %v %v", in.header, in.parent)
	}
	recv(shellA, "execute_reply")

	close(seen)
	for typ := range seen {
		if typ == "history_request" || typ == "is_complete_request" {
			t.Errorf("the relay passed %s on to GoNB", typ)
		}
	}

	// The heartbeat answers.
	hb := zmq4.NewReq(ctx, zmq4.WithTimeout(5*time.Second))
	defer hb.Close()
	if err := hb.Dial(addr(front.HBPort)); err != nil {
		t.Fatal(err)
	}
	if err := hb.Send(zmq4.NewMsgString("ping")); err != nil {
		t.Fatal(err)
	}
	if m, err := hb.Recv(); err != nil || string(m.Bytes()) != "ping" {
		t.Errorf("heartbeat: %q, %v", m.Bytes(), err)
	}
}

func TestConnectionFileArg(t *testing.T) {
	for _, c := range []struct {
		argv []string
		i    int
		path string
	}{
		{[]string{"gonb", "--kernel", "/k.json", "-go_work=root"}, 2, "/k.json"},
		{[]string{"gonb", "-kernel", "/k.json"}, 2, "/k.json"},
		{[]string{"gonb", "--kernel=/k.json"}, 1, "/k.json"},
		{[]string{"gonb", "--install"}, -1, ""},
		{[]string{"gonb", "--kernel"}, -1, ""},
	} {
		if i, p := connectionFileArg(c.argv); i != c.i || p != c.path {
			t.Errorf("connectionFileArg(%q) = %d, %q; want %d, %q", c.argv, i, p, c.i, c.path)
		}
	}
}

func TestStartRelayRejectsWhatItCannotRelay(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"ipc":    `{"transport":"ipc","ip":"k","shell_port":1,"key":"x","signature_scheme":"hmac-sha256"}`,
		"sha512": `{"transport":"tcp","ip":"127.0.0.1","shell_port":1,"key":"x","signature_scheme":"hmac-sha512"}`,
		"broken": `{"transport":`,
	} {
		p := filepath.Join(dir, name+".json")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if r, _, err := startRelay(p, dir); err == nil {
			r.stop()
			t.Errorf("%s: startRelay accepted %s", name, body)
		}
	}
	if _, _, err := startRelay(filepath.Join(dir, "missing.json"), dir); err == nil {
		t.Error("startRelay accepted a missing connection file")
	}
}
