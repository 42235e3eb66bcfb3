package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/moatdev/moat/internal/store"
)

var kvTests = map[string]func(*testing.T, Open){
	"GetMissing":         testGetMissing,
	"PutGet":             testPutGet,
	"PutReplaces":        testPutReplaces,
	"EmptyValue":         testEmptyValue,
	"BinaryValue":        testBinaryValue,
	"TablesAreSeparate":  testTablesSeparate,
	"InsertConflict":     testInsertConflict,
	"Delete":             testDelete,
	"DeleteMissing":      testDeleteMissing,
	"ScanOrder":          testScanOrder,
	"ScanPrefix":         testScanPrefix,
	"ScanAfter":          testScanAfter,
	"ScanLimit":          testScanLimit,
	"ScanPaging":         testScanPaging,
	"ScanFnError":        testScanFnError,
	"ScanWritesInFn":     testScanWritesInFn,
	"ScanHighBytePrefix": testScanHighBytePrefix,
}

func testGetMissing(t *testing.T, open Open) {
	s := open(t)
	_, err := get(t, s, "users", "nobody")
	wantErr(t, "Get missing", err, store.ErrNotFound)
}

func testPutGet(t *testing.T, open Open) {
	s := open(t)
	put(t, s, "users", "alice", `{"n":1}`)
	mustGet(t, s, "users", "alice", `{"n":1}`)
}

func testPutReplaces(t *testing.T, open Open) {
	s := open(t)
	put(t, s, "users", "alice", "1")
	put(t, s, "users", "alice", "2")
	mustGet(t, s, "users", "alice", "2")
}

func testEmptyValue(t *testing.T, open Open) {
	s := open(t)
	update(t, s, func(tx store.Tx) error { return tx.Put("t", "k", nil) })
	view(t, s, func(tx store.Tx) error {
		v, err := tx.Get("t", "k")
		if err != nil {
			return err
		}
		if v == nil || len(v) != 0 {
			t.Errorf("Get of an empty value = %#v, want empty non-nil", v)
		}
		return nil
	})
}

func testBinaryValue(t *testing.T, open Open) {
	s := open(t)
	val := []byte{0, 1, 2, 0xff, 0xfe, 0, '\n'}
	update(t, s, func(tx store.Tx) error { return tx.Put("t", "bin", val) })
	view(t, s, func(tx store.Tx) error {
		v, err := tx.Get("t", "bin")
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(v, val) {
			t.Errorf("Get = %v, want %v", v, val)
		}
		return nil
	})
}

func testTablesSeparate(t *testing.T, open Open) {
	s := open(t)
	put(t, s, "a", "k", "in a")
	put(t, s, "b", "k", "in b")
	mustGet(t, s, "a", "k", "in a")
	mustGet(t, s, "b", "k", "in b")
	update(t, s, func(tx store.Tx) error { return tx.Delete("a", "k") })
	mustGet(t, s, "b", "k", "in b")
}

func testInsertConflict(t *testing.T, open Open) {
	s := open(t)
	update(t, s, func(tx store.Tx) error {
		if err := tx.Insert("users", "alice", []byte("first")); err != nil {
			return err
		}
		err := tx.Insert("users", "alice", []byte("second"))
		wantErr(t, "second Insert", err, store.ErrExists)
		// The transaction stays usable after a conflict.
		return tx.Insert("users", "bob", []byte("b"))
	})
	mustGet(t, s, "users", "alice", "first")
	mustGet(t, s, "users", "bob", "b")
	err := s.Update(t.Context(), func(tx store.Tx) error { return tx.Insert("users", "alice", []byte("x")) })
	wantErr(t, "Insert of a committed key", err, store.ErrExists)
	mustGet(t, s, "users", "alice", "first")
}

func testDelete(t *testing.T, open Open) {
	s := open(t)
	put(t, s, "users", "alice", "1", "bob", "2")
	update(t, s, func(tx store.Tx) error { return tx.Delete("users", "alice") })
	_, err := get(t, s, "users", "alice")
	wantErr(t, "Get after Delete", err, store.ErrNotFound)
	mustGet(t, s, "users", "bob", "2")
}

func testDeleteMissing(t *testing.T, open Open) {
	s := open(t)
	err := s.Update(t.Context(), func(tx store.Tx) error { return tx.Delete("users", "nobody") })
	wantErr(t, "Delete missing", err, store.ErrNotFound)
}

func scanKeys(t *testing.T, s store.Store, table, prefix, after string, limit int) []string {
	t.Helper()
	keys := []string{}
	view(t, s, func(tx store.Tx) error {
		return tx.Scan(table, prefix, after, limit, func(k string, v []byte) error {
			if string(v) != "v"+k {
				t.Errorf("Scan value of %q = %q, want %q", k, v, "v"+k)
			}
			keys = append(keys, k)
			return nil
		})
	})
	return keys
}

func putKeys(t *testing.T, s store.Store, table string, keys ...string) {
	t.Helper()
	update(t, s, func(tx store.Tx) error {
		for _, k := range keys {
			if err := tx.Put(table, k, []byte("v"+k)); err != nil {
				return err
			}
		}
		return nil
	})
}

func wantKeys(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s = %q, want %q", what, got, want)
	}
}

func testScanOrder(t *testing.T, open Open) {
	s := open(t)
	putKeys(t, s, "t", "b", "a/2", "a", "a/10", "A", "c", "a/1")
	putKeys(t, s, "other", "a/0")
	wantKeys(t, "Scan all", scanKeys(t, s, "t", "", "", 0), "A", "a", "a/1", "a/10", "a/2", "b", "c")
	wantKeys(t, "Scan empty table", scanKeys(t, s, "none", "", "", 0))
}

func testScanPrefix(t *testing.T, open Open) {
	s := open(t)
	putKeys(t, s, "t", "user/alice", "user/bob", "user", "users/x", "role/admin", "user/")
	wantKeys(t, "Scan user/", scanKeys(t, s, "t", "user/", "", 0), "user/", "user/alice", "user/bob")
	wantKeys(t, "Scan user", scanKeys(t, s, "t", "user", "", 0), "user", "user/", "user/alice", "user/bob", "users/x")
	wantKeys(t, "Scan zzz", scanKeys(t, s, "t", "zzz", "", 0))
}

func testScanAfter(t *testing.T, open Open) {
	s := open(t)
	putKeys(t, s, "t", "p/a", "p/b", "p/c", "q/a", "p/")
	wantKeys(t, "after p/a", scanKeys(t, s, "t", "p/", "p/a", 0), "p/b", "p/c")
	wantKeys(t, "after p/bb (absent)", scanKeys(t, s, "t", "p/", "p/bb", 0), "p/c")
	wantKeys(t, "after before prefix", scanKeys(t, s, "t", "p/", "a", 0), "p/", "p/a", "p/b", "p/c")
	wantKeys(t, "after the prefix itself", scanKeys(t, s, "t", "p/", "p/", 0), "p/a", "p/b", "p/c")
	wantKeys(t, "after past prefix", scanKeys(t, s, "t", "p/", "q", 0))
	wantKeys(t, "after, no prefix", scanKeys(t, s, "t", "", "p/c", 0), "q/a")
}

func testScanLimit(t *testing.T, open Open) {
	s := open(t)
	putKeys(t, s, "t", "a", "b", "c", "d")
	wantKeys(t, "limit 2", scanKeys(t, s, "t", "", "", 2), "a", "b")
	wantKeys(t, "limit 10", scanKeys(t, s, "t", "", "", 10), "a", "b", "c", "d")
	wantKeys(t, "limit -1", scanKeys(t, s, "t", "", "", -1), "a", "b", "c", "d")
	wantKeys(t, "limit 1 after b", scanKeys(t, s, "t", "", "b", 1), "c")
}

// testScanPaging scans more keys than a backend is likely to fetch at once.
func testScanPaging(t *testing.T, open Open) {
	s := open(t)
	var keys []string
	for i := range 1000 {
		keys = append(keys, fmt.Sprintf("k%04d", i))
	}
	putKeys(t, s, "t", keys...)
	wantKeys(t, "Scan 1000", scanKeys(t, s, "t", "k", "", 0), keys...)
	wantKeys(t, "Scan limit 700", scanKeys(t, s, "t", "k", "", 700), keys[:700]...)
	var pages []string
	after := ""
	for n := 0; ; n++ {
		if n > 4 {
			t.Fatal("paging does not end")
		}
		page := scanKeys(t, s, "t", "k", after, 300)
		pages = append(pages, page...)
		if len(page) < 300 {
			break
		}
		after = page[len(page)-1]
	}
	wantKeys(t, "pages of 300", pages, keys...)
}

func testScanFnError(t *testing.T, open Open) {
	s := open(t)
	putKeys(t, s, "t", "a", "b", "c")
	stop := errors.New("stop")
	var seen []string
	err := s.View(t.Context(), func(tx store.Tx) error {
		return tx.Scan("t", "", "", 0, func(k string, _ []byte) error {
			seen = append(seen, k)
			if k == "b" {
				return stop
			}
			return nil
		})
	})
	wantErr(t, "Scan with a failing fn", err, stop)
	wantKeys(t, "keys seen", seen, "a", "b")
}

func testScanWritesInFn(t *testing.T, open Open) {
	s := open(t)
	var keys []string
	for i := range 600 {
		keys = append(keys, fmt.Sprintf("old/%03d", i))
	}
	putKeys(t, s, "t", keys...)
	update(t, s, func(tx store.Tx) error {
		return tx.Scan("t", "old/", "", 0, func(k string, v []byte) error {
			if err := tx.Delete("t", k); err != nil {
				return err
			}
			return tx.Put("t", "new/"+strings.TrimPrefix(k, "old/"), v)
		})
	})
	if got := scanKeys(t, s, "t", "old/", "", 0); len(got) != 0 {
		t.Fatalf("old keys left: %d", len(got))
	}
	view(t, s, func(tx store.Tx) error {
		n := 0
		err := tx.Scan("t", "new/", "", 0, func(string, []byte) error { n++; return nil })
		if n != 600 {
			t.Errorf("new keys = %d, want 600", n)
		}
		return err
	})
}

func testScanHighBytePrefix(t *testing.T, open Open) {
	s := open(t)
	putKeys(t, s, "t", "a\xff", "a\xff\x00", "a\xff\xff", "b", "a")
	wantKeys(t, `Scan "a\xff"`, scanKeys(t, s, "t", "a\xff", "", 0), "a\xff", "a\xff\x00", "a\xff\xff")
	wantKeys(t, `Scan "a"`, scanKeys(t, s, "t", "a", "", 0), "a", "a\xff", "a\xff\x00", "a\xff\xff")
}
