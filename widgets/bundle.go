package widgets

import (
	"encoding/base64"
	"fmt"
	"html"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// Bundle is one output as a set of renderings, best first, the way Jupyter
// sends it to the front end (a MIME bundle): each front end picks the richest
// one it can show.
//
//   - Interactive charts: HTML (a container and a self-contained script) and
//     Text.
//   - Static figures: PNG rendered at twice Width × Height and shown at
//     Width × Height (sharp on HiDPI screens), Text, and, when asked for, SVG,
//     which is then also offered as HTML (an <img> of the SVG) because
//     nbconvert's HTML export strips inline SVG elements.
type Bundle struct {
	// Text describes the figure in words (text/plain).
	Text string
	// HTML is the text/html rendering, if any.
	HTML string
	// PNG is the image/png rendering, if any, at 2× pixel density.
	PNG []byte
	// SVG is a standalone SVG document with its fonts embedded, if asked for.
	SVG string
	// Width and Height are the display size in CSS pixels.
	Width, Height int
	// Name suggests a file name stem (from the title or the chart kind).
	Name string
}

// Data returns the bundle as Jupyter display data: MIME type → content.
func (b *Bundle) Data() map[protocol.MIMEType]any {
	d := map[protocol.MIMEType]any{protocol.MIMETextPlain: b.Text}
	if b.HTML != "" {
		d[protocol.MIMETextHTML] = b.HTML
	}
	if b.PNG != nil {
		d[protocol.MIMEImagePNG] = b.PNG
	}
	return d
}

// Metadata returns the display metadata: the size at which the 2× PNG is
// shown.
func (b *Bundle) Metadata() map[string]any {
	if b.PNG == nil {
		return nil
	}
	return map[string]any{
		string(protocol.MIMEImagePNG): map[string]any{"width": b.Width, "height": b.Height},
	}
}

// svgImgHTML shows an SVG document as an image, with a 1× size.
func svgImgHTML(svg string, width, height int, alt string) string {
	return fmt.Sprintf(`<img class="neuronb-svg" width="%d" height="%d" alt="%s" src="data:image/svg+xml;base64,%s">`,
		width, height, html.EscapeString(alt), base64.StdEncoding.EncodeToString([]byte(svg)))
}
