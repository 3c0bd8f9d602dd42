/* fuzzy.h -- string similarity for names: Jaro-Winkler, bounded Damerau-Levenshtein (OSA),
 * and the one-deletion neighbourhood keys that find every pair within one edit by hashing. */
#ifndef CD_DETECT_FUZZY_H
#define CD_DETECT_FUZZY_H

#include <stddef.h>
#include <stdint.h>

/* Strings are arrays of Unicode code points (see norm_codepoints) so that "José" has four
 * letters. Inputs longer than FUZZY_MAX code points are compared on their first FUZZY_MAX
 * (names are far shorter; this keeps every buffer on the stack and bounded). */
#define FUZZY_MAX 128

/* Jaro similarity in [0,1] (1 for two empty strings). */
double fuzzy_jaro(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* Jaro-Winkler as Winkler (1990) defines it: prefix scale 0.1, common prefix up to 4, boost
 * applied only when the Jaro similarity exceeds 0.7. MARTHA/MARHTA = 0.9611,
 * DWAYNE/DUANE = 0.84, DIXON/DICKSONX = 0.8133. */
double fuzzy_jaro_winkler(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

/* Optimal string alignment distance (the "restricted" Damerau-Levenshtein: insertions,
 * deletions, substitutions and transpositions of adjacent letters, no letter edited twice).
 * Not true Damerau-Levenshtein: CA -> ABC is 3 here, 2 there; for one or two typos in a
 * name the two agree. Returns the distance when it is <= max, otherwise max + 1 (the band
 * around the diagonal makes it O(max * n)). */
int fuzzy_osa(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, int max);

/* The one-deletion neighbourhood of s: keys[0] is the hash of s itself, keys[1+i] the hash of s
 * without its i-th code point (n + 1 keys; keys must hold that many). Two strings within OSA
 * distance 1 always share at least one key (a substitution at i: both drop i; an insertion:
 * the longer drops it and meets the shorter's keys[0]; a transposition of i,i+1: s drops i,
 * t drops i+1), so grouping by key never misses such a pair. Equal hashes do not prove
 * closeness: confirm with fuzzy_osa. Returns the number of keys written. */
size_t fuzzy_deletion_keys(const uint32_t *s, size_t n, uint64_t *keys);

/* The two-deletion neighbourhood (for `thorough`): fuzzy_deletion_keys' n + 1 keys followed by
 * the hash of s without its i-th and j-th code points for every i < j, hashed exactly as the
 * one-deletion keys hash a string of that length (so a string's two-deletion key meets another
 * string's one-deletion key or itself). Two strings within OSA distance 2 always share a key
 * (each edit is undone by deleting at most one code point from each side). Only the first
 * FUZZY2_MAX code points are used; keys must hold FUZZY2_KEYS(n) entries. Returns the count. */
#define FUZZY2_MAX 48
#define FUZZY2_KEYS(n) (1 + (n) + (n) * ((n) - 1) / 2)
size_t fuzzy_deletion_keys2(const uint32_t *s, size_t n, uint64_t *keys);

#endif
