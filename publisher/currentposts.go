package publisher

import (
	"bytes"
	"compress/flate"
)

// idChunkSize is the length of "currentPosts" text compressed into each
// kept deflate chunk. Larger chunks compress better, and smaller ones leave
// less text to compress for each new body.
const idChunkSize = 4 << 10

// idList is the "currentPosts" array of a snapshot, built on first use,
// with the deflate form of its leading part. A snapshot that only appends
// posts to its predecessor's derives its list from the predecessor's, so a
// new post costs its own id rather than every id of the channel.
type idList struct {
	// open is "[" and the visible ids, comma-separated, without the
	// closing bracket, so a later list can append to the same array.
	open []byte
	// chunks are raw deflate segments, each ending in a sync flush, that
	// together compress open[:compressed].
	chunks     [][]byte
	compressed int
	chunkBytes int // total length of chunks
}

// newIDList returns the list of the visible posts, oldest first.
func newIDList(posts []*entry) *idList {
	l := &idList{open: []byte{'['}}
	return l.extend(posts)
}

// extend returns a list with the visible posts of added after l's ids.
// It appends to l's arrays in place, as snapshot.patch does to its post
// lists. That is safe because l's own slices never reach the bytes past
// their length, and only the current snapshot's list is ever extended,
// under the channel's refresh lock.
func (l *idList) extend(added []*entry) *idList {
	next := *l
	for _, e := range added {
		if e.hidden {
			continue
		}
		if len(next.open) > 1 {
			next.open = append(next.open, ',')
		}
		next.open = append(next.open, e.idJSON...)
	}
	for len(next.open)-next.compressed >= idChunkSize {
		end := next.compressed + idChunkSize
		chunk := deflateChunk(next.open[next.compressed:end])
		next.chunks = append(next.chunks, chunk)
		next.compressed, next.chunkBytes = end, next.chunkBytes+len(chunk)
	}
	return &next
}

// appendJSON appends the complete JSON array to b.
func (l *idList) appendJSON(b []byte) []byte {
	return append(append(b, l.open...), ']')
}

// gzipWith returns the gzip form of plain, which contains l's array at
// offset start. The kept chunks stand in for the array's leading part, so
// only the text around them is compressed. A decoder reads the result as
// one stream, because every chunk but the last ends in a sync flush and
// none is marked final.
func (l *idList) gzipWith(plain []byte, start int) []byte {
	end := start + l.compressed
	if len(l.chunks) == 0 || start < 0 || end > len(plain) ||
		!bytes.Equal(plain[start:end], l.open[:l.compressed]) {
		return gzipBytes(plain)
	}
	size := gzipHeaderSize + (len(plain)-l.compressed)/4 + l.chunkBytes + 64
	out := bytes.NewBuffer(make([]byte, 0, size))
	out.Write(gzipHeader[:])
	deflateTo(out, plain[:start])
	for _, c := range l.chunks {
		out.Write(c)
	}
	fw := flateWriters.Get().(*flate.Writer)
	fw.Reset(out)
	fw.Write(plain[end:])
	fw.Close()
	flateWriters.Put(fw)
	trailer := gzipTrailer(plain)
	out.Write(trailer[:])
	return trimmed(out.Bytes())
}

// deflateChunk returns text as a raw deflate segment that ends in a sync
// flush, so more segments may follow it in the same stream.
func deflateChunk(text []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(text)/4 + 64)
	deflateTo(&b, text)
	return bytes.Clone(b.Bytes())
}

// deflateTo writes text to b as a raw deflate segment that ends in a sync
// flush.
func deflateTo(b *bytes.Buffer, text []byte) {
	fw := flateWriters.Get().(*flate.Writer)
	fw.Reset(b)
	fw.Write(text)
	fw.Flush()
	flateWriters.Put(fw)
}
