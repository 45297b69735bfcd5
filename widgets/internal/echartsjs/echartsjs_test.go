package echartsjs

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"testing"
)

// Oracle: the SHA-256 of dist/echarts.min.js in the npm tarball echarts@5.4.3
// (tarball shasum f5522ef2… as listed by the npm registry).
func TestSourceIsPinnedNpmFile(t *testing.T) {
	sum := sha256.Sum256(Source)
	if got := hex.EncodeToString(sum[:]); got != SHA256 {
		t.Fatalf("echarts.min.js SHA-256 = %s, want %s", got, SHA256)
	}
	if !bytes.Contains(Source, []byte(`.version="`+Version+`"`)) {
		t.Fatalf("echarts.min.js does not declare version %s", Version)
	}
}

// Oracle: gzip decompression by the standard library must give back Source
// byte for byte, so the browser's DecompressionStream("gzip") sees the same file.
func TestGzipDecompressesToSource(t *testing.T) {
	raw, err := base64.StdEncoding.DecodeString(GzipBase64())
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, Source) {
		t.Fatalf("gunzip(Gzip) differs from Source (%d vs %d bytes): run go generate", len(got), len(Source))
	}
}
