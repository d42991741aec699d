// glibc's malloc statistics (mallinfo2), which the Glibc module does not export: the memory tests read
// the live heap with it.
#include <malloc.h>
