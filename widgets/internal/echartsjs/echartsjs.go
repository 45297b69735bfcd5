// Package echartsjs embeds Apache ECharts 5.4.3 (npm echarts@5.4.3,
// dist/echarts.min.js, Apache-2.0; see LICENSE, NOTICE and LICENSE-d3 in this
// directory), the version go-echarts v2.6 targets, so charts draw without a
// network. echarts.min.js is the file from the npm tarball, unchanged
// (npm dist.shasum f5522ef24419164903eedcfd2b506c6fc91fb20c for the tarball,
// SHA-256 in [SHA256] for the file); echarts.min.js.gz is its gzip stream,
// written by gen.go.
package echartsjs

//go:generate go run gen.go

import (
	_ "embed"
	"encoding/base64"
	"sync"
)

// Version is the ECharts release embedded here.
const Version = "5.4.3"

// SHA256 is the hex SHA-256 of echarts.min.js as published in npm echarts@5.4.3.
const SHA256 = "1156429a16a38cb8604dcc6518c19406d4226142d908f8edd2e3531443c54d19"

// Source is dist/echarts.min.js of npm echarts@5.4.3, byte for byte.
//
//go:embed echarts.min.js
var Source []byte

// Gzip is Source compressed with gzip at best compression.
//
//go:embed echarts.min.js.gz
var Gzip []byte

// Loader is the JavaScript every interactive output of package widgets
// carries (its design is described there): it unpacks ECharts once per
// page, finds the output's containers and turns the named renderers of an
// option built in Go into functions (prepare). It is here, beside ECharts,
// so that the widgets package and a server-side renderer read one copy.
//
//go:embed loader.js
var Loader string

var (
	b64Once sync.Once
	b64     string
)

// GzipBase64 returns Gzip in standard base64, computed once per process.
func GzipBase64() string {
	b64Once.Do(func() { b64 = base64.StdEncoding.EncodeToString(Gzip) })
	return b64
}
