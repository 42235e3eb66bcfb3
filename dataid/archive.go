package dataid

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Archives are opened in memory with bounded expansion: a member may not
// grow beyond MaxExpansionRatio times its compressed size (zip bombs),
// beyond MaxFileSize (then only its head is scanned), nor push the bytes
// extracted from one top-level file past MaxTotalExtracted; archives nest at
// most MaxArchiveDepth levels. Each refusal is a Result with a reason.

func (d *docScan) skip(p string, size int64, status, reason, detail string) {
	d.emit(Result{Path: p, Size: size, Status: status, Reason: reason, Detail: detail})
}

// readMember reads at most the limits allow from rc; compressed is the
// member's compressed size. It reports whether the member was cut at
// MaxFileSize, or a reason to skip it.
func (d *docScan) readMember(rc io.Reader, compressed int64) (data []byte, truncated bool, reason, detail string) {
	ratioCap := max(compressed, 1) * d.lim.MaxExpansionRatio
	limit := min(d.lim.MaxFileSize, ratioCap, d.lim.MaxTotalExtracted-d.extracted)
	if limit <= 0 {
		return nil, false, ReasonArchiveTotal, fmt.Sprintf("more than %d bytes extracted from this file", d.lim.MaxTotalExtracted)
	}
	// Members at one nesting depth are read one after another and not kept,
	// so each depth reuses one buffer.
	for len(d.st.memberBufs) <= d.depth {
		d.st.memberBufs = append(d.st.memberBufs, nil)
	}
	data, err := readInto(d.st.memberBufs[d.depth][:0], io.LimitReader(rc, limit+1))
	d.st.memberBufs[d.depth] = data
	d.extracted += int64(len(data))
	if int64(len(data)) > limit {
		data = data[:limit]
		switch limit {
		case ratioCap:
			return nil, false, ReasonArchiveRatio, fmt.Sprintf("expands beyond %d times its compressed size of %d bytes", d.lim.MaxExpansionRatio, compressed)
		case d.lim.MaxFileSize:
			truncated = true
		default:
			return nil, false, ReasonArchiveTotal, fmt.Sprintf("more than %d bytes extracted from this file", d.lim.MaxTotalExtracted)
		}
	}
	if err != nil && !truncated {
		return data, false, ReasonMalformed, err.Error()
	}
	return data, truncated, "", ""
}

func (d *docScan) nested(p string, depth int) bool {
	if depth+1 > d.lim.MaxArchiveDepth {
		d.skip(p, 0, StatusSkipped, ReasonArchiveNesting, fmt.Sprintf("archive nested more than %d levels", d.lim.MaxArchiveDepth))
		return false
	}
	return true
}

func (d *docScan) gzip(p string, data []byte, depth int) {
	if !d.nested(p, depth) {
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		d.skip(p, int64(len(data)), StatusSkipped, ReasonMalformed, "gzip: "+err.Error())
		return
	}
	name := zr.Name
	if name == "" {
		name = strings.TrimSuffix(path.Base(p), path.Ext(p))
		if strings.HasSuffix(strings.ToLower(p), ".tgz") {
			name += ".tar"
		}
	}
	member := p + "!" + name
	d.depth = depth
	body, truncated, reason, detail := d.readMember(zr, int64(len(data)))
	if reason != "" && reason != ReasonMalformed {
		d.skip(member, int64(len(body)), StatusSkipped, reason, detail)
		return
	}
	d.scan(member, body, depth+1, truncated)
	if reason == ReasonMalformed {
		d.skip(p, int64(len(data)), StatusPartial, ReasonMalformed, "gzip stream is corrupt or cut short after "+fmt.Sprint(len(body))+" bytes: "+detail)
	}
}

func (d *docScan) zip(p string, data []byte, depth int) {
	if !d.nested(p, depth) {
		return
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		d.skip(p, int64(len(data)), StatusSkipped, ReasonMalformed, "zip: "+err.Error())
		return
	}
	d.depth = depth // parts of a docx/xlsx are read one at a time into this depth's buffer
	if d.ooxml(p, zr) {
		return
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		member := p + "!" + f.Name
		rc, err := f.Open()
		if err != nil {
			d.skip(member, int64(f.UncompressedSize64), StatusSkipped, ReasonMalformed, "zip member: "+err.Error())
			continue
		}
		d.depth = depth
		body, truncated, reason, detail := d.readMember(rc, int64(f.CompressedSize64))
		rc.Close()
		if reason != "" && reason != ReasonMalformed {
			d.skip(member, int64(f.UncompressedSize64), StatusSkipped, reason, detail)
			continue
		}
		d.scan(member, body, depth+1, truncated)
		if reason == ReasonMalformed {
			d.skip(member, int64(len(body)), StatusPartial, ReasonMalformed, "zip member is corrupt: "+detail)
		}
	}
}

func (d *docScan) tar(p string, data []byte, depth int) {
	if !d.nested(p, depth) {
		return
	}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			d.skip(p, int64(len(data)), StatusPartial, ReasonMalformed, "tar: "+err.Error())
			return
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		member := p + "!" + h.Name
		// tar does not compress: the ratio is 1, so the member's own size is the bound.
		d.depth = depth
		body, truncated, reason, detail := d.readMember(tr, max(h.Size, 1))
		if reason != "" && reason != ReasonMalformed {
			d.skip(member, h.Size, StatusSkipped, reason, detail)
			continue
		}
		d.scan(member, body, depth+1, truncated)
		if reason == ReasonMalformed {
			d.skip(member, int64(len(body)), StatusPartial, ReasonMalformed, "tar member: "+detail)
		}
	}
}
