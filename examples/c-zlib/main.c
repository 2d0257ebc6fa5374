/* c-zlib: a plain C program with a library dependency (zlib), built with make and pkg-config. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int main(void) {
    const char *msg = "static-build static-build static-build static-build";
    unsigned char out[256];
    uLongf out_len = sizeof out;
    if (compress(out, &out_len, (const unsigned char *)msg, strlen(msg)) != Z_OK) {
        fprintf(stderr, "compress failed\n");
        return 1;
    }
    printf("zlib %s: %zu bytes -> %lu bytes\n", zlibVersion(), strlen(msg), (unsigned long)out_len);
    return 0;
}
