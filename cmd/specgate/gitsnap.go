package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/specgate/specgate/generator"
)

// errGit is wrapped by every failure to read a revision through git.
var errGit = errors.New("git")

// gitSnapshot is a document at a git revision, materialised with the local files
// it $refs into a temporary folder that mirrors the repository's layout.
type gitSnapshot struct {
	dir  string // the temporary folder; the caller removes it
	root string // the document's path inside dir
	rev  string
}

// snapshot reads p at rev (git's rules: relative to the repository root unless
// it starts with ./ or ../) and every local file it $refs, transitively. It
// follows $refs by parsing each file as YAML (JSON included); remote refs are
// left to the loader, refs leaving the repository are refused.
func snapshot(ctx context.Context, rev, p string) (*gitSnapshot, error) {
	if strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || p == "." || p == ".." {
		prefix, err := git(ctx, "rev-parse", "--show-prefix")
		if err != nil {
			return nil, err
		}
		p = strings.TrimSpace(string(prefix)) + p
	}
	p = path.Clean(p)
	if outside(p) {
		return nil, fmt.Errorf("%s:%s: path is outside the repository", rev, p)
	}
	dir, err := os.MkdirTemp("", "specgate-diff-")
	if err != nil {
		return nil, err
	}
	s := &gitSnapshot{dir: dir, root: filepath.Join(dir, filepath.FromSlash(p)), rev: rev}
	queue, seen := []string{p}, map[string]bool{p: true}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		data, err := git(ctx, "show", "--no-textconv", rev+":"+cur)
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		target := filepath.Join(dir, filepath.FromSlash(cur))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err == nil {
			err = os.WriteFile(target, data, 0o644)
		}
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("materialise %s:%s: %w", rev, cur, err)
		}
		for _, ref := range localRefs(data) {
			next := path.Join(path.Dir(cur), ref)
			if outside(next) {
				os.RemoveAll(dir)
				return nil, fmt.Errorf("%s:%s: $ref %q leaves the repository", rev, cur, ref)
			}
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	return s, nil
}

func outside(p string) bool { return p == ".." || strings.HasPrefix(p, "../") || path.IsAbs(p) }

// localRefs returns the file parts of the $refs in a YAML or JSON document that
// point at other local files. A file that does not parse has none: the loader
// reports the syntax error with its position.
func localRefs(data []byte) []string {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return nil
	}
	var refs []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "$ref" && v.Kind == yaml.ScalarNode {
					if f := refFile(v.Value); f != "" {
						refs = append(refs, f)
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	return refs
}

// refFile is the local file a $ref names, "" for a same-document or remote ref.
func refFile(ref string) string {
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" {
		return ""
	}
	return u.Path
}

// rename makes positions in t and ds name REV:path instead of the temporary folder.
func (s *gitSnapshot) rename(t *generator.Table, ds []generator.Diagnostic) {
	name := func(f string) string {
		rel, err := filepath.Rel(s.dir, f)
		if err != nil || outside(filepath.ToSlash(rel)) || !filepath.IsAbs(f) {
			return f
		}
		return s.rev + ":" + filepath.ToSlash(rel)
	}
	for i := range ds {
		ds[i].File = name(ds[i].File)
	}
	if t == nil {
		return
	}
	for i := range t.Routes {
		t.Routes[i].Pos.File = name(t.Routes[i].Pos.File)
		t.Routes[i].AuthPos.File = name(t.Routes[i].AuthPos.File)
	}
}

// git runs git in the current folder and returns its stdout; a failure carries
// git's own message.
func git(ctx context.Context, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%w %s: %s", errGit, strings.Join(args, " "), msg)
	}
	return stdout.Bytes(), nil
}
