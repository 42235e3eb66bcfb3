package dataid

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestScanPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for i, name := range []string{"b/2.txt", "a.txt", "b/1.txt", "c/d/e.txt"} {
		write(name, strings.Repeat("x\n", i)+"visa "+goodCard+"\n")
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		write("locked.txt", "ssn 123-45-6789")
		os.Chmod(filepath.Join(dir, "locked.txt"), 0)
	}
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{dir, link} {
		var paths []string
		var lines []int
		progress := 0
		err := s.ScanPaths([]string{root}, Options{Workers: 3, Progress: func(done, total int) { progress = done }}, func(r Result) {
			for _, o := range r.Occurrences {
				paths = append(paths, o.Path)
				lines = append(lines, o.Line)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		want := "a.txt b/1.txt b/2.txt c/d/e.txt"
		if os.Getuid() == 0 { // root reads the locked file anyway
			want = "a.txt b/1.txt b/2.txt c/d/e.txt locked.txt"
		}
		if got := strings.Join(paths, " "); got != want || progress < 4 {
			t.Fatalf("root %s: paths %q (progress %d), want %q", root, got, progress, want)
		}
		if lines[0] != 2 || lines[1] != 3 {
			t.Fatalf("lines %v", lines)
		}
	}
	var one []string
	if err := s.ScanPaths([]string{filepath.Join(dir, "a.txt")}, Options{}, func(r Result) { one = append(one, r.Path) }); err != nil {
		t.Fatal(err)
	}
	if len(one) != 1 || one[0] != filepath.ToSlash(filepath.Join(dir, "a.txt")) {
		t.Fatalf("file root: %v", one)
	}
	if err := s.ScanPaths([]string{filepath.Join(dir, "missing")}, Options{}, func(Result) {}); err == nil {
		t.Fatal("a missing root is not an error")
	}
}
