//go:build ignore

// gen writes echarts.min.js.gz, the gzip stream that every interactive chart
// output carries. Run with `go generate` in this directory after replacing
// echarts.min.js. The stream is deterministic (no name, zero mod time) so a
// regenerated file only changes when the library does.
package main

import (
	"bytes"
	"compress/gzip"
	"log"
	"os"
)

func main() {
	src, err := os.ReadFile("echarts.min.js")
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := zw.Write(src); err != nil {
		log.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("echarts.min.js.gz", buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
