// go-pure is a Go program without cgo that uses the network and user packages, the two that pull in the C
// resolver unless the netgo and osusergo tags are set.
package main

import (
	"fmt"
	"net"
	"os/user"
	"runtime"
)

func main() {
	ip := net.ParseIP("192.0.2.1")
	_, err := user.LookupId("0")
	fmt.Printf("go-pure %s/%s: parsed %s, user lookup ran (err=%v)\n", runtime.GOOS, runtime.GOARCH, ip, err != nil)
}
