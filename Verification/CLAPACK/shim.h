// The one LAPACK routine the verification code needs. liblapack-dev ships the Fortran symbols only (no C
// header), so the prototype is declared here by hand: Fortran passes every argument by reference, LAPACK's
// default integer is 32-bit, and gfortran appends the lengths of the CHARACTER arguments (uplo, trans, diag)
// as trailing hidden size_t arguments.
#include <stddef.h>

/// Solves the triangular system op(A)·X = B in place of B (LAPACK DTRTRS). info = 0 on success,
/// -i if argument i is illegal, i if A(i,i) is exactly zero.
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n, const int *nrhs,
             const double *a, const int *lda, double *b, const int *ldb, int *info,
             size_t uplo_len, size_t trans_len, size_t diag_len);
