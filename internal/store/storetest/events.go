package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/store"
)

var eventTests = map[string]func(*testing.T, Open){
	"AppendAssignsSeq":      testAppendAssignsSeq,
	"AppendRoundTrip":       testAppendRoundTrip,
	"AppendRejectsNoStream": testAppendRejectsNoStream,
	"AppendConcurrent":      testAppendConcurrent,
	"SeqAcrossReopen":       testSeqAcrossReopen,
	"ReadEvents":            testReadEvents,
	"QueryOrder":            testQueryOrder,
	"QueryFilters":          testQueryFilters,
	"QueryResources":        testQueryResources,
	"QueryPaging":           testQueryPaging,
	"QueryUnknownCursor":    testQueryUnknownCursor,
	"Offsets":               testOffsets,
	"OffsetsSurviveReopen":  testOffsetsSurviveReopen,
}

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func ev(id string, at time.Time, attrs ...string) store.Event {
	e := store.Event{
		Stream: store.StreamCloudTrail, Time: at, Account: "111122223333", Region: "us-east-1",
		ID: id, Attrs: map[string]string{"EventId": id}, Body: []byte(`{"eventID":"` + id + `"}`),
	}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.Attrs[attrs[i]] = attrs[i+1]
	}
	return e
}

func appendEvents(t *testing.T, s store.Store, evs ...store.Event) []store.Event {
	t.Helper()
	if err := s.AppendEvents(context.Background(), evs); err != nil {
		t.Fatalf("AppendEvents: %v", err)
	}
	return evs
}

func query(t *testing.T, s store.Store, q store.EventQuery) []store.Event {
	t.Helper()
	if q.Stream == "" {
		q.Stream = store.StreamCloudTrail
	}
	evs, err := s.QueryEvents(context.Background(), q)
	if err != nil {
		t.Fatalf("QueryEvents(%+v): %v", q, err)
	}
	return evs
}

func ids(evs []store.Event) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, e.ID)
	}
	return out
}

func testAppendAssignsSeq(t *testing.T, open Open) {
	s := open(t)
	a := appendEvents(t, s, ev("a", t0), ev("b", t0), ev("c", t0))
	b := appendEvents(t, s, ev("d", t0))
	var last int64
	for _, e := range append(a, b...) {
		if e.Seq <= last {
			t.Fatalf("Seq %d of %s not after %d", e.Seq, e.ID, last)
		}
		last = e.Seq
	}
	if err := s.AppendEvents(t.Context(), nil); err != nil {
		t.Fatalf("AppendEvents(nil): %v", err)
	}
}

func testAppendRoundTrip(t *testing.T, open Open) {
	s := open(t)
	in := ev("e1", t0.Add(123456789*time.Nanosecond), "EventName", "CreateUser", "ReadOnly", "false")
	in.Region = "eu-west-3"
	in.Resources = []store.Resource{{Type: "AWS::IAM::User", Name: "alice"}}
	in.Body = []byte(`{"eventID":"e1","x":[1,2]}`)
	appendEvents(t, s, in)
	got, err := s.ReadEvents(t.Context(), store.StreamCloudTrail, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("ReadEvents returned %d events, want 1", len(got))
	}
	g := got[0]
	if !g.Time.Equal(in.Time) {
		t.Errorf("Time = %v, want %v", g.Time, in.Time)
	}
	g.Time, in.Time = time.Time{}, time.Time{}
	in.Seq = g.Seq
	if !reflect.DeepEqual(g, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", g, in)
	}
}

func testAppendRejectsNoStream(t *testing.T, open Open) {
	s := open(t)
	bad := ev("x", t0)
	bad.Stream = ""
	if err := s.AppendEvents(t.Context(), []store.Event{ev("ok", t0), bad}); err == nil {
		t.Fatal("AppendEvents of an event without a stream succeeded")
	}
	got, err := s.ReadEvents(t.Context(), store.StreamCloudTrail, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("a failed AppendEvents left %d events", len(got))
	}
}

func testAppendConcurrent(t *testing.T, open Open) {
	s := open(t)
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				batch := []store.Event{ev(fmt.Sprintf("w%d-%d-a", w, i), t0), ev(fmt.Sprintf("w%d-%d-b", w, i), t0)}
				if err := s.AppendEvents(context.Background(), batch); err != nil {
					t.Errorf("AppendEvents: %v", err)
					return
				}
				if batch[1].Seq != batch[0].Seq+1 {
					t.Errorf("one batch got Seq %d and %d, want consecutive", batch[0].Seq, batch[1].Seq)
				}
			}
		}()
	}
	wg.Wait()
	got, err := s.ReadEvents(t.Context(), store.StreamCloudTrail, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != workers*each*2 {
		t.Fatalf("ReadEvents returned %d events, want %d", len(got), workers*each*2)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq {
			t.Fatalf("ReadEvents out of order at %d: %d then %d", i, got[i-1].Seq, got[i].Seq)
		}
	}
}

func testSeqAcrossReopen(t *testing.T, open Open) {
	s := open(t)
	first := appendEvents(t, s, ev("a", t0), ev("b", t0))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t)
	second := appendEvents(t, s, ev("c", t0))
	if second[0].Seq <= first[1].Seq {
		t.Fatalf("Seq after reopen %d, want > %d", second[0].Seq, first[1].Seq)
	}
	got, err := s.ReadEvents(t.Context(), store.StreamCloudTrail, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantKeys(t, "events after reopen", ids(got), "a", "b", "c")
}

func testReadEvents(t *testing.T, open Open) {
	s := open(t)
	flow := ev("f1", t0)
	flow.Stream = "flow"
	evs := appendEvents(t, s, ev("a", t0.Add(time.Hour)), flow, ev("b", t0), ev("c", t0.Add(-time.Hour)))
	read := func(after int64, limit int) []string {
		got, err := s.ReadEvents(t.Context(), store.StreamCloudTrail, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		return ids(got)
	}
	// Oldest first means Seq order, whatever the event times.
	wantKeys(t, "ReadEvents all", read(0, 0), "a", "b", "c")
	wantKeys(t, "ReadEvents after a", read(evs[0].Seq, 0), "b", "c")
	wantKeys(t, "ReadEvents limit 1", read(evs[0].Seq, 1), "b")
	wantKeys(t, "ReadEvents past the end", read(evs[3].Seq, 0))
	got, err := s.ReadEvents(t.Context(), "flow", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantKeys(t, "ReadEvents flow", ids(got), "f1")
}

func testQueryOrder(t *testing.T, open Open) {
	s := open(t)
	// Appended out of time order, two with the same time.
	appendEvents(t, s, ev("mid", t0), ev("old", t0.Add(-time.Minute)), ev("new", t0.Add(time.Minute)), ev("mid2", t0))
	wantKeys(t, "newest first", ids(query(t, s, store.EventQuery{})), "new", "mid2", "mid", "old")
	wantKeys(t, "limit 2", ids(query(t, s, store.EventQuery{Limit: 2})), "new", "mid2")
}

func testQueryFilters(t *testing.T, open Open) {
	s := open(t)
	other := ev("other-account", t0)
	other.Account = "444455556666"
	west := ev("west", t0)
	west.Region = "us-west-2"
	flow := ev("flow", t0)
	flow.Stream = "flow"
	appendEvents(t, s,
		ev("a", t0.Add(-2*time.Hour), "EventName", "CreateUser", "Username", "alice"),
		ev("b", t0.Add(-time.Hour), "EventName", "DeleteUser", "Username", "alice"),
		ev("c", t0, "EventName", "CreateUser", "Username", "bob"),
		other, west, flow)
	cases := []struct {
		name string
		q    store.EventQuery
		want []string
	}{
		{"account", store.EventQuery{Account: "111122223333"}, []string{"west", "c", "b", "a"}},
		{"other account", store.EventQuery{Account: "444455556666"}, []string{"other-account"}},
		{"region", store.EventQuery{Region: "us-west-2"}, []string{"west"}},
		{"stream", store.EventQuery{Stream: "flow"}, []string{"flow"}},
		{"attr", store.EventQuery{AttrKey: "EventName", AttrValue: "CreateUser"}, []string{"c", "a"}},
		{"attr and account", store.EventQuery{Account: "111122223333", AttrKey: "Username", AttrValue: "alice"}, []string{"b", "a"}},
		{"attr is exact", store.EventQuery{AttrKey: "Username", AttrValue: "ali"}, nil},
		{"attr value under another key", store.EventQuery{AttrKey: "EventName", AttrValue: "alice"}, nil},
		{"start inclusive", store.EventQuery{Account: "111122223333", Start: t0.Add(-time.Hour)}, []string{"west", "c", "b"}},
		{"end inclusive", store.EventQuery{End: t0.Add(-time.Hour)}, []string{"b", "a"}},
		{"window", store.EventQuery{Start: t0.Add(-90 * time.Minute), End: t0.Add(-30 * time.Minute)}, []string{"b"}},
		{"empty window", store.EventQuery{Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour)}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantKeys(t, c.name, ids(query(t, s, c.q)), c.want...)
		})
	}
}

func testQueryResources(t *testing.T, open Open) {
	s := open(t)
	a := ev("a", t0)
	a.Resources = []store.Resource{
		{Type: "AWS::IAM::Role", Name: "arn:aws:iam::111122223333:role/r1"},
		{Type: "AWS::IAM::Policy", Name: "arn:aws:iam::111122223333:policy/p"},
		{Type: "AWS::IAM::Role", Name: "arn:aws:iam::111122223333:role/r1"}, // duplicate
	}
	b := ev("b", t0.Add(time.Second))
	b.Resources = []store.Resource{{Type: "AWS::IAM::Role", Name: "arn:aws:iam::111122223333:role/r2"}}
	appendEvents(t, s, a, b, ev("c", t0.Add(2*time.Second)))
	wantKeys(t, "ResourceType role", ids(query(t, s, store.EventQuery{AttrKey: store.AttrResourceType, AttrValue: "AWS::IAM::Role"})), "b", "a")
	wantKeys(t, "ResourceType policy", ids(query(t, s, store.EventQuery{AttrKey: store.AttrResourceType, AttrValue: "AWS::IAM::Policy"})), "a")
	wantKeys(t, "ResourceName r1", ids(query(t, s, store.EventQuery{AttrKey: store.AttrResourceName, AttrValue: "arn:aws:iam::111122223333:role/r1"})), "a")
	got := query(t, s, store.EventQuery{AttrKey: store.AttrResourceName, AttrValue: "arn:aws:iam::111122223333:role/r1"})
	if len(got) == 1 && len(got[0].Resources) != 3 {
		t.Errorf("Resources = %v, want the 3 appended", got[0].Resources)
	}
}

func testQueryPaging(t *testing.T, open Open) {
	s := open(t)
	var in []store.Event
	for i := range 57 {
		// Times repeat and go backwards now and then, as concurrent
		// requests committing out of order do.
		at := t0.Add(time.Duration((i*7)%13) * time.Second)
		in = append(in, ev(fmt.Sprintf("e%02d", i), at, "Username", map[bool]string{true: "even", false: "odd"}[i%2 == 0]))
	}
	appendEvents(t, s, in...)
	for _, q := range []store.EventQuery{{}, {AttrKey: "Username", AttrValue: "even"}} {
		all := query(t, s, q)
		var paged []store.Event
		q.Limit = 5
		for pages := 0; ; pages++ {
			if pages > len(all)/q.Limit+1 {
				t.Fatalf("paging does not end: %d pages of %d for %d events", pages, q.Limit, len(all))
			}
			page := query(t, s, q)
			paged = append(paged, page...)
			if len(page) < q.Limit {
				break
			}
			q.BeforeSeq = page[len(page)-1].Seq
		}
		wantKeys(t, "pages", ids(paged), ids(all)...)
		for i := 1; i < len(all); i++ {
			p, c := all[i-1], all[i]
			if c.Time.After(p.Time) || (c.Time.Equal(p.Time) && c.Seq > p.Seq) {
				t.Fatalf("not newest first at %d: %s then %s", i, p.ID, c.ID)
			}
		}
	}
}

func testQueryUnknownCursor(t *testing.T, open Open) {
	s := open(t)
	appendEvents(t, s, ev("a", t0))
	wantKeys(t, "unknown BeforeSeq", ids(query(t, s, store.EventQuery{BeforeSeq: 1 << 40})))
}

func testOffsets(t *testing.T, open Open) {
	s := open(t)
	ctx := t.Context()
	off, err := s.Offset(ctx, "detector")
	if err != nil || off != 0 {
		t.Fatalf("Offset of a new consumer = %d, %v; want 0", off, err)
	}
	for _, seq := range []int64{5, 9, 3} {
		if err := s.SetOffset(ctx, "detector", seq); err != nil {
			t.Fatal(err)
		}
		if off, err := s.Offset(ctx, "detector"); err != nil || off != seq {
			t.Fatalf("Offset = %d, %v; want %d", off, err, seq)
		}
	}
	if off, err := s.Offset(ctx, "other"); err != nil || off != 0 {
		t.Fatalf("Offset of another consumer = %d, %v; want 0", off, err)
	}
}

func testOffsetsSurviveReopen(t *testing.T, open Open) {
	s := open(t)
	if err := s.SetOffset(t.Context(), "hub", 42); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t)
	if off, err := s.Offset(t.Context(), "hub"); err != nil || off != 42 {
		t.Fatalf("Offset after reopen = %d, %v; want 42", off, err)
	}
}
