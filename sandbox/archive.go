package sandbox

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Archive writes the whole sandbox folder to a gzip-compressed tar file
// beside it, named after the folder and the time, and returns the archive's
// path. The sandbox itself is left in place.
func Archive(dir string, now time.Time) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("archive %s: %w", dir, err)
	}
	name := fmt.Sprintf("%s-archive-%s.tar.gz", filepath.Base(abs), now.UTC().Format("20060102-150405.000"))
	path := filepath.Join(filepath.Dir(abs), name)

	tmp := path + ".partial"
	if err := writeTarGz(tmp, abs); err != nil {
		os.Remove(tmp) //nolint:errcheck // best-effort cleanup of an incomplete archive
		return "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("archive %s: %w", abs, err)
	}
	return path, nil
}

// RestoreCommand returns the shell command that puts an archived sandbox
// back in place of dir. It first stops the endpoint of the sandbox it
// replaces, because the restored sandbox uses the same port.
func RestoreCommand(dir, archive string) string {
	parent := filepath.Dir(dir)
	return fmt.Sprintf("workshop stop --dir %s; rm -rf %s && tar -xzf %s -C %s",
		shellQuote(dir), shellQuote(dir), shellQuote(archive), shellQuote(parent))
}

func writeTarGz(path, root string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create archive: %w", err)
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)

	base := filepath.Dir(root)
	walkErr := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return addToTar(tw, base, p, d)
	})
	if walkErr != nil {
		return fmt.Errorf("archive %s: %w", root, walkErr)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("archive %s: %w", root, err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("archive %s: %w", root, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("archive %s: %w", root, err)
	}
	return nil
}

func addToTar(tw *tar.Writer, base, path string, d fs.DirEntry) error {
	info, err := d.Info()
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() && !info.IsDir() && info.Mode()&fs.ModeSymlink == 0 {
		return nil // sockets and pipes cannot be archived and hold no work
	}
	link := ""
	if info.Mode()&fs.ModeSymlink != 0 {
		if link, err = os.Readlink(path); err != nil {
			return err
		}
	}
	hdr, err := tar.FileInfoHeader(info, link)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(base, path)
	if err != nil {
		return err
	}
	hdr.Name = filepath.ToSlash(rel)
	if info.IsDir() {
		hdr.Name += "/"
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return nil
	}
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	_, err = io.Copy(tw, src)
	return err
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	out := "'"
	for _, r := range s {
		if r == '\'' {
			out += `'\''`
		} else {
			out += string(r)
		}
	}
	return out + "'"
}
