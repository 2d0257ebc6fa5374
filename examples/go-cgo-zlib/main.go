// go-cgo-zlib compresses a message with the C zlib library through cgo: the kind of program that needs a
// C library from the package manager and still has to run on any Linux.
package main

/*
#cgo LDFLAGS: -lz
#include <stdlib.h>
#include <zlib.h>

static unsigned long deflate_size(const char *in, unsigned long n) {
	unsigned long out_len = compressBound(n);
	unsigned char *out = malloc(out_len);
	if (out == NULL || compress(out, &out_len, (const unsigned char *)in, n) != Z_OK) {
		out_len = 0;
	}
	free(out);
	return out_len;
}
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

func main() {
	msg := strings.Repeat("static-build ", 64)
	cs := C.CString(msg)
	defer C.free(unsafe.Pointer(cs))
	n := C.deflate_size(cs, C.ulong(len(msg)))
	fmt.Printf("zlib %s: %d bytes -> %d bytes\n", C.GoString(C.zlibVersion()), len(msg), uint64(n))
}
