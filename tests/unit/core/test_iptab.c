/* Unit tests for core/iptab: the bounded per-host table (find, get with a
 * zeroed value, remove, the max_entries bound, growth, sweep). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/iptab.h"

/* A distinct v4-mapped key per n. */
static struct addr_key key_n(uint32_t n)
{
	struct addr_key k;

	memset(&k, 0, sizeof(k));
	k.ip[10] = 0xff;
	k.ip[11] = 0xff;
	k.ip[12] = (uint8_t)(n >> 24);
	k.ip[13] = (uint8_t)(n >> 16);
	k.ip[14] = (uint8_t)(n >> 8);
	k.ip[15] = (uint8_t)n;
	return k;
}

static void test_insert_find_remove(void **state)
{
	struct iptab *t = iptab_new(sizeof(uint64_t), 100);
	struct addr_key k1 = key_n(1), k2 = key_n(2);

	assert_non_null(t);
	assert_int_equal(iptab_count(t), 0);
	assert_null(iptab_find(t, &k1));

	uint64_t *v1 = iptab_get(t, &k1);
	assert_non_null(v1);
	assert_int_equal(*v1, 0);
	*v1 = 42;
	assert_int_equal(iptab_count(t), 1);
	assert_ptr_equal(iptab_find(t, &k1), v1);
	assert_ptr_equal(iptab_get(t, &k1), v1);
	assert_int_equal(*(uint64_t *)iptab_find(t, &k1), 42);
	assert_int_equal(iptab_count(t), 1);
	assert_null(iptab_find(t, &k2));

	uint64_t *v2 = iptab_get(t, &k2);
	assert_non_null(v2);
	assert_ptr_not_equal(v1, v2);
	*v2 = 7;
	assert_int_equal(iptab_count(t), 2);

	iptab_remove(t, &k1);
	assert_null(iptab_find(t, &k1));
	assert_int_equal(iptab_count(t), 1);
	assert_int_equal(*(uint64_t *)iptab_find(t, &k2), 7);
	iptab_remove(t, &k1); /* absent: no-op */
	assert_int_equal(iptab_count(t), 1);

	/* back again, zeroed, not the old 42 */
	v1 = iptab_get(t, &k1);
	assert_non_null(v1);
	assert_int_equal(*v1, 0);
	iptab_free(t);
}

static void test_values_zeroed_and_aligned(void **state)
{
	struct iptab *t = iptab_new(200, 1000);

	assert_non_null(t);
	for (uint32_t i = 0; i < 300; i++) {
		struct addr_key k = key_n(i);
		uint8_t *v = iptab_get(t, &k);
		assert_non_null(v);
		assert_int_equal((uintptr_t)v % _Alignof(max_align_t), 0);
		for (size_t j = 0; j < 200; j++)
			assert_int_equal(v[j], 0);
		memset(v, 0xff, 200); /* a neighbour's bytes must not leak into the next */
	}
	iptab_free(t);
}

static void test_v4_and_v6_keys_distinct(void **state)
{
	struct iptab *t = iptab_new(sizeof(int), 10);
	union addr_any a4, a6;
	struct addr_key k4, k6;

	assert_non_null(t);
	assert_int_equal(addr_parse_ip("127.0.0.1", &a4), 0);
	assert_int_equal(addr_parse_ip("::1", &a6), 0);
	addr_key_from(&k4, &a4.sa);
	addr_key_from(&k6, &a6.sa);
	*(int *)iptab_get(t, &k4) = 4;
	*(int *)iptab_get(t, &k6) = 6;
	assert_int_equal(iptab_count(t), 2);
	assert_int_equal(*(int *)iptab_find(t, &k4), 4);
	assert_int_equal(*(int *)iptab_find(t, &k6), 6);
	iptab_free(t);
}

static void test_max_entries(void **state)
{
	struct iptab *t = iptab_new(sizeof(uint64_t), 3);
	struct addr_key k[5];

	assert_non_null(t);
	for (uint32_t i = 0; i < 5; i++)
		k[i] = key_n(100 + i);
	for (int i = 0; i < 3; i++)
		*(uint64_t *)iptab_get(t, &k[i]) = (uint64_t)i + 1;
	assert_int_equal(iptab_count(t), 3);

	/* full: a new host is refused and nothing is inserted */
	assert_null(iptab_get(t, &k[3]));
	assert_null(iptab_get(t, &k[4]));
	assert_null(iptab_find(t, &k[3]));
	assert_int_equal(iptab_count(t), 3);

	/* a host already in the table is still found through get */
	uint64_t *v = iptab_get(t, &k[1]);
	assert_non_null(v);
	assert_int_equal(*v, 2);

	/* room again after a remove */
	iptab_remove(t, &k[0]);
	assert_non_null(iptab_get(t, &k[3]));
	assert_int_equal(iptab_count(t), 3);
	assert_null(iptab_get(t, &k[4]));
	iptab_free(t);
}

static void test_max_entries_zero(void **state)
{
	struct iptab *t = iptab_new(sizeof(uint64_t), 0);
	struct addr_key k = key_n(1);

	assert_non_null(t);
	assert_null(iptab_get(t, &k));
	assert_int_equal(iptab_count(t), 0);
	iptab_free(t);
}

static void test_growth_with_thousands(void **state)
{
	enum { N = 5000 };
	struct iptab *t = iptab_new(sizeof(uint32_t), 2 * N);

	assert_non_null(t);
	for (uint32_t i = 0; i < N; i++) {
		struct addr_key k = key_n(i * 2654435761u);
		uint32_t *v = iptab_get(t, &k);
		assert_non_null(v);
		assert_int_equal(*v, 0);
		*v = i;
		assert_int_equal(iptab_count(t), i + 1);
	}
	/* every value survives the rehashes past 64, 128, ... buckets */
	for (uint32_t i = 0; i < N; i++) {
		struct addr_key k = key_n(i * 2654435761u);
		uint32_t *v = iptab_find(t, &k);
		assert_non_null(v);
		assert_int_equal(*v, i);
	}
	for (uint32_t i = 0; i < N; i += 2) {
		struct addr_key k = key_n(i * 2654435761u);
		iptab_remove(t, &k);
	}
	assert_int_equal(iptab_count(t), N / 2);
	for (uint32_t i = 0; i < N; i++) {
		struct addr_key k = key_n(i * 2654435761u);
		uint32_t *v = iptab_find(t, &k);
		if (i % 2 == 0) {
			assert_null(v);
		} else {
			assert_non_null(v);
			assert_int_equal(*v, i);
		}
	}
	iptab_free(t);
}

struct sweep_ctx {
	unsigned calls;
	uint32_t divisor;
};

static bool drop_multiples(void *value, void *ctx)
{
	struct sweep_ctx *c = ctx;

	c->calls++;
	return *(uint32_t *)value % c->divisor == 0;
}

static bool drop_all(void *value, void *ctx)
{
	(*(unsigned *)ctx)++;
	return true;
}

static void test_sweep(void **state)
{
	struct iptab *t = iptab_new(sizeof(uint32_t), 10000);
	struct sweep_ctx c = { 0, 3 };

	assert_non_null(t);
	for (uint32_t i = 0; i < 1000; i++) {
		struct addr_key k = key_n(i);
		*(uint32_t *)iptab_get(t, &k) = i;
	}
	iptab_sweep(t, drop_multiples, &c);
	assert_int_equal(c.calls, 1000);
	assert_int_equal(iptab_count(t), 1000 - 334);
	for (uint32_t i = 0; i < 1000; i++) {
		struct addr_key k = key_n(i);
		uint32_t *v = iptab_find(t, &k);
		if (i % 3 == 0) {
			assert_null(v);
		} else {
			assert_non_null(v);
			assert_int_equal(*v, i);
		}
	}

	unsigned calls = 0;
	iptab_sweep(t, drop_all, &calls);
	assert_int_equal(calls, 666);
	assert_int_equal(iptab_count(t), 0);
	struct addr_key k = key_n(5);
	assert_null(iptab_find(t, &k));

	/* the table is usable after emptying */
	assert_non_null(iptab_get(t, &k));
	assert_int_equal(iptab_count(t), 1);
	iptab_free(t);
}

static void test_sweep_empty_and_free_null(void **state)
{
	struct iptab *t = iptab_new(8, 10);
	unsigned calls = 0;

	assert_non_null(t);
	iptab_sweep(t, drop_all, &calls);
	assert_int_equal(calls, 0);
	iptab_free(t);
	iptab_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_find_remove),
		cmocka_unit_test(test_values_zeroed_and_aligned),
		cmocka_unit_test(test_v4_and_v6_keys_distinct),
		cmocka_unit_test(test_max_entries),
		cmocka_unit_test(test_max_entries_zero),
		cmocka_unit_test(test_growth_with_thousands),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_sweep_empty_and_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
