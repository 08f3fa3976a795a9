/* The cores' float32 arithmetic peak: THREADS threads, each running 12 independent chains of 8-wide fused
 * multiply-adds (AVX2 + FMA), enough chains to hide the instruction's latency. Prints GFLOP/s (an FMA counts
 * as 2 FLOPs). bench_encode.py compiles and runs it to say how far any fp32 encoder could go on this CPU.
 *
 *     cc -O3 -mavx2 -mfma -pthread fma_peak.c -o fma_peak && ./fma_peak THREADS [MILLION_STEPS] */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long steps;

static void *chains(void *out) {
    const __m256 m = _mm256_set1_ps(0.9999f), c = _mm256_set1_ps(0.0001f);
    /* distinct starting values: identical chains could be computed once by the compiler */
#define START(k) _mm256_set1_ps(1.0f + 0.01f * (k))
    __m256 a0 = START(0), a1 = START(1), a2 = START(2), a3 = START(3), a4 = START(4), a5 = START(5),
           a6 = START(6), a7 = START(7), a8 = START(8), a9 = START(9), a10 = START(10), a11 = START(11);
    for (long i = 0; i < steps; i++) {  /* x -> 0.9999 x + 0.0001 stays near 1: no denormals */
        a0 = _mm256_fmadd_ps(a0, m, c); a1 = _mm256_fmadd_ps(a1, m, c); a2 = _mm256_fmadd_ps(a2, m, c);
        a3 = _mm256_fmadd_ps(a3, m, c); a4 = _mm256_fmadd_ps(a4, m, c); a5 = _mm256_fmadd_ps(a5, m, c);
        a6 = _mm256_fmadd_ps(a6, m, c); a7 = _mm256_fmadd_ps(a7, m, c); a8 = _mm256_fmadd_ps(a8, m, c);
        a9 = _mm256_fmadd_ps(a9, m, c); a10 = _mm256_fmadd_ps(a10, m, c); a11 = _mm256_fmadd_ps(a11, m, c);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                             _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
    *(float *)out = _mm256_cvtss_f32(s);  /* used, so the loop is not optimised away */
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    steps = (argc > 2 ? atol(argv[2]) : 50) * 1000000L;
    if (threads < 1 || threads > 1024 || steps < 1) { fprintf(stderr, "usage: fma_peak THREADS [MILLION_STEPS]\n"); return 2; }
    pthread_t *ids = malloc(sizeof(pthread_t) * threads);
    float *sums = malloc(sizeof(float) * threads);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, chains, &sums[t]);
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("%.3f\n", threads * (double)steps * 12 * 8 * 2 / seconds / 1e9);
    return sums[0] == 12345.0f;  /* never true; reads the sums */
}
