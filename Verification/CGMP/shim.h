// GMP's C API for Swift. Most mpq_*/mpz_* names are macros for the __gmpq_*/__gmpz_* functions, which is
// what Swift sees and calls.
#include <gmp.h>
