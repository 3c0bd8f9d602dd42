/* emu_page.c -- pagination tokens: base64 with '+', '/' and '=' in every one of them. */
#include "emu_page.h"

#include <string.h>

#include "hash.h"

#define TOKEN_RAW 17 /* 3 prefix + 1 version + 1 op + 8 position + 4 check; 17 % 3 == 2 -> '=' */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static uint32_t page_check(uint64_t key, const unsigned char *raw, const char *instance_id)
{
	unsigned char k[8];
	for (int i = 0; i < 8; i++)
		k[i] = (unsigned char)(key >> (8 * i));
	uint64_t h = hash_bytes((const char *)k, 8);
	h ^= hash_bytes((const char *)raw, TOKEN_RAW - 4) * 31;
	h ^= hash_bytes(instance_id, strlen(instance_id)) * 131;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (uint32_t)h;
}

void emu_page_encode(uint64_t key, enum emu_op op, const char *instance_id, size_t pos,
		     char out[EMU_PAGE_TOKEN_MAX])
{
	unsigned char raw[TOKEN_RAW + 1] = { 0xfb, 0xff, 0xbf, 1, (unsigned char)op };
	for (int i = 0; i < 8; i++)
		raw[5 + i] = (unsigned char)((uint64_t)pos >> (8 * i));
	uint32_t c = page_check(key, raw, instance_id);
	for (int i = 0; i < 4; i++)
		raw[13 + i] = (unsigned char)(c >> (8 * i));
	size_t o = 0;
	for (size_t i = 0; i < TOKEN_RAW; i += 3) {
		unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 |
			     (i + 2 < TOKEN_RAW ? raw[i + 2] : 0);
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < TOKEN_RAW ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < TOKEN_RAW ? b64[v & 63] : '=';
	}
	out[o] = '\0';
}

bool emu_page_decode(uint64_t key, enum emu_op op, const char *instance_id, const char *tok,
		     size_t *pos)
{
	char want[EMU_PAGE_TOKEN_MAX];
	if (!tok || strlen(tok) != 24)
		return false;
	unsigned char raw[TOKEN_RAW + 2];
	size_t o = 0;
	for (size_t i = 0; i < 24; i += 4) {
		unsigned v = 0;
		for (size_t j = 0; j < 4; j++) {
			const char *p = tok[i + j] == '=' ? b64 : strchr(b64, tok[i + j]);
			if (!p || !tok[i + j])
				return false;
			v = v << 6 | (unsigned)(p - b64);
		}
		raw[o++] = (unsigned char)(v >> 16);
		raw[o++] = (unsigned char)(v >> 8);
		if (o < sizeof raw)
			raw[o++] = (unsigned char)v;
	}
	uint64_t p = 0;
	for (int i = 0; i < 8; i++)
		p |= (uint64_t)raw[5 + i] << (8 * i);
	/* Re-encode and compare: accepts exactly the tokens we issue, nothing "close". */
	emu_page_encode(key, op, instance_id, (size_t)p, want);
	if (strcmp(want, tok))
		return false;
	*pos = (size_t)p;
	return true;
}
