const NAMES: Record<string, string> = { openblas: 'OpenBLAS', blis: 'BLIS', atlas: 'ATLAS' };

/**
 * How details name the BLAS the torch addon reports (`init().blas`): `OpenBLAS`, `BLIS`, `ATLAS`,
 * a library's path, or for netlib's reference BLAS (what Debian's libblas.so.3 alternative is with
 * libtorch-dev alone) how to get a fast one: a 768×768 product ran 14x slower on it, a training
 * step 1.13x. '' when no BLAS is loaded on its own (MKL linked into libtorch).
 */
export function blasName(blas: string): string {
  if (blas === 'reference')
    return 'reference BLAS (slow matrix products: apt-get install libopenblas0-pthread)';
  return NAMES[blas] ?? blas;
}
