module example.com/go-cgo-zlib

go 1.19
