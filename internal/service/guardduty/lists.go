package guardduty

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/moatdev/moat/detect"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/s3"
	"github.com/moatdev/moat/internal/store"
)

// Trusted IP lists (IP sets) and threat lists (threat intel sets). GuardDuty
// reads them from S3: a location is an object of moat's S3 (s3://bucket/key
// or an https S3 URL; the caller needs s3:GetObject on it) or, beyond AWS, a
// local path or file:// URL (said in RATIONALE.md). A list is parsed when
// it is created, so a bad one is refused there with the line that is
// wrong.

// TableLists holds both kinds by account/region/kind/id.
const TableLists = "guardduty.lists"

type list struct {
	ID, Kind, Name, Format, Location string
	Active                           bool
}

func listKey(account, region, kind, id string) string {
	return account + "/" + region + "/" + kind + "/" + id
}

func listOps(dataDir string) []*service.Operation {
	var ops []*service.Operation
	for _, k := range []struct{ kind, op, idName string }{{"ipset", "IPSet", "ipSetId"}, {"threatintelset", "ThreatIntelSet", "threatIntelSetId"}} {
		k := k
		ops = append(ops,
			service.Op("Create"+k.op, "guardduty:Create"+k.op, func(ctx context.Context, c *service.Call, in *CreateListInput) (*CreateListOutput, error) {
				return createList(ctx, c, dataDir, k.kind, in)
			}),
			service.Op("Get"+k.op, "guardduty:Get"+k.op, func(ctx context.Context, c *service.Call, in *ListIDInput) (*GetListOutput, error) {
				return getList(ctx, c, k.kind, in)
			}, service.ReadOnly[ListIDInput]()),
			service.Op("List"+k.op+"s", "guardduty:List"+k.op+"s", func(ctx context.Context, c *service.Call, in *DetectorInput) (*ListListsOutput, error) {
				return listLists(ctx, c, k.kind, in)
			}, service.ReadOnly[DetectorInput]()),
			service.Op("Update"+k.op, "guardduty:Update"+k.op, func(ctx context.Context, c *service.Call, in *UpdateListInput) (*struct{}, error) {
				return updateList(ctx, c, dataDir, k.kind, in)
			}),
			service.Op("Delete"+k.op, "guardduty:Delete"+k.op, func(ctx context.Context, c *service.Call, in *ListIDInput) (*struct{}, error) {
				return deleteList(ctx, c, k.kind, in)
			}),
		)
	}
	return ops
}

// CreateListInput is CreateIPSet's and CreateThreatIntelSet's request.
type CreateListInput struct {
	DetectorID string `aws:"detectorId,location=uri"`
	Name       string `aws:"name"`
	Format     string `aws:"format"`
	Location   string `aws:"location"`
	Activate   *bool  `aws:"activate"`
}

// CreateListOutput carries the new list's id under both names AWS uses.
type CreateListOutput struct {
	IPSetID          string `aws:"ipSetId,omitempty"`
	ThreatIntelSetID string `aws:"threatIntelSetId,omitempty"`
}

func localPath(location string) string { return strings.TrimPrefix(location, "file://") }

// readList parses a list as the detection engine will use it, from moat's
// S3 (as of tx) or a local file.
func readList(tx store.Tx, dataDir string, l *list) (*detect.IPList, error) {
	var r io.Reader
	if bucket, key, ok := s3.ParseLocation(l.Location); ok {
		data, err := s3.ReadObject(tx, dataDir, bucket, key)
		if err != nil {
			return nil, badRequest.New("The request is rejected because the location %s cannot be read: %v", l.Location, err)
		}
		r = bytes.NewReader(data)
	} else {
		f, err := os.Open(localPath(l.Location))
		if err != nil {
			return nil, badRequest.New("The request is rejected because the location %s cannot be read: %v", l.Location, err)
		}
		defer f.Close()
		r = f
	}
	parsed, err := detect.ReadIPList(r, l.Name, detect.ListFormat(strings.ToUpper(l.Format)), detect.ThreatCustom)
	if err != nil {
		return nil, badRequest.New("The request is rejected because the list is not valid: %v", err)
	}
	return parsed, nil
}

func createList(ctx context.Context, c *service.Call, dataDir, kind string, in *CreateListInput) (*CreateListOutput, error) {
	if in.Name == "" || in.Location == "" || in.Activate == nil {
		return nil, badRequest.New("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
	}
	switch strings.ToUpper(in.Format) {
	case "TXT", "STIX":
	default:
		return nil, badRequest.New("The request is rejected because the format %s is not supported (moat reads TXT and STIX).", in.Format)
	}
	l := &list{ID: newDetectorID(), Kind: kind, Name: in.Name, Format: strings.ToUpper(in.Format), Location: in.Location, Active: *in.Activate}
	if err := checkList(ctx, c, dataDir, l); err != nil {
		return nil, err
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		if kind == "ipset" {
			n := 0
			if err := tx.Scan(TableLists, listKey(c.Account(), c.Region, kind, ""), "", 0, func(string, []byte) error { n++; return nil }); err != nil {
				return err
			}
			if n >= 1 {
				return badRequest.New("The request is rejected because the current account cannot create more than 1 IPSet.") // GuardDuty's quota: one trusted list
			}
		}
		b, _ := json.Marshal(l)
		return tx.Put(TableLists, listKey(c.Account(), c.Region, kind, l.ID), b)
	})
	if err != nil {
		return nil, err
	}
	if kind == "ipset" {
		return &CreateListOutput{IPSetID: l.ID}, nil
	}
	return &CreateListOutput{ThreatIntelSetID: l.ID}, nil
}

// checkList reads and parses a list as the caller: GuardDuty reads an S3
// object with the caller's permissions.
func checkList(ctx context.Context, c *service.Call, dataDir string, l *list) error {
	if bucket, key, ok := s3.ParseLocation(l.Location); ok {
		b, err := s3.Bucket(ctx, c.Deps.Store, bucket)
		if err != nil {
			return badRequest.New("The request is rejected because the location %s cannot be read: %v", l.Location, err)
		}
		if err := c.Authorize(ctx, "s3:GetObject", "arn:aws:s3:::"+bucket+"/"+key, b.Policy, b.Account); err != nil {
			return err
		}
	}
	return c.Deps.Store.View(ctx, func(tx store.Tx) error {
		_, err := readList(tx, dataDir, l)
		return err
	})
}

// UpdateListInput is UpdateIPSet's and UpdateThreatIntelSet's request.
type UpdateListInput struct {
	ListIDInput
	Name     *string `aws:"name"`
	Location *string `aws:"location"`
	Activate *bool   `aws:"activate"`
}

// updateList renames, moves or (de)activates a list; a new location is
// read and parsed before anything changes.
func updateList(ctx context.Context, c *service.Call, dataDir, kind string, in *UpdateListInput) (*struct{}, error) {
	var l list
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		b, err := tx.Get(TableLists, listKey(c.Account(), c.Region, kind, in.id()))
		if errors.Is(err, store.ErrNotFound) {
			return badRequest.New("The request is rejected because the input %s is not owned by the current account.", in.id())
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(b, &l)
	})
	if err != nil {
		return nil, err
	}
	if in.Name != nil {
		if *in.Name == "" {
			return nil, badRequest.New("The request is rejected because an invalid or out-of-range value is specified as an input parameter.")
		}
		l.Name = *in.Name
	}
	if in.Location != nil && *in.Location != l.Location {
		l.Location = *in.Location
		if err := checkList(ctx, c, dataDir, &l); err != nil {
			return nil, err
		}
	}
	if in.Activate != nil {
		l.Active = *in.Activate
	}
	return nil, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		k := listKey(c.Account(), c.Region, kind, l.ID)
		if _, err := tx.Get(TableLists, k); err != nil {
			return err
		}
		b, _ := json.Marshal(&l)
		return tx.Put(TableLists, k, b)
	})
}

// ListIDInput names a list of a detector.
type ListIDInput struct {
	DetectorID       string `aws:"detectorId,location=uri"`
	IPSetID          string `aws:"ipSetId,location=uri"`
	ThreatIntelSetID string `aws:"threatIntelSetId,location=uri"`
}

func (in *ListIDInput) id() string {
	if in.IPSetID != "" {
		return in.IPSetID
	}
	return in.ThreatIntelSetID
}

// GetListOutput is GetIPSet's and GetThreatIntelSet's response.
type GetListOutput struct {
	Name     string `aws:"name"`
	Format   string `aws:"format"`
	Location string `aws:"location"`
	Status   string `aws:"status"`
}

func getList(ctx context.Context, c *service.Call, kind string, in *ListIDInput) (*GetListOutput, error) {
	var out *GetListOutput
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		b, err := tx.Get(TableLists, listKey(c.Account(), c.Region, kind, in.id()))
		if errors.Is(err, store.ErrNotFound) {
			return badRequest.New("The request is rejected because the input %s is not owned by the current account.", in.id())
		}
		if err != nil {
			return err
		}
		var l list
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		status := "INACTIVE"
		if l.Active {
			status = "ACTIVE"
		}
		out = &GetListOutput{Name: l.Name, Format: l.Format, Location: l.Location, Status: status}
		return nil
	})
	return out, err
}

// ListListsOutput is ListIPSets' and ListThreatIntelSets' response.
type ListListsOutput struct {
	IPSetIDs          []string `aws:"ipSetIds,omitempty"`
	ThreatIntelSetIDs []string `aws:"threatIntelSetIds,omitempty"`
}

func listLists(ctx context.Context, c *service.Call, kind string, in *DetectorInput) (*ListListsOutput, error) {
	var ids []string
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		prefix := listKey(c.Account(), c.Region, kind, "")
		return tx.Scan(TableLists, prefix, "", 0, func(k string, _ []byte) error { ids = append(ids, k[len(prefix):]); return nil })
	})
	if ids == nil {
		ids = []string{}
	}
	if kind == "ipset" {
		return &ListListsOutput{IPSetIDs: ids}, err
	}
	return &ListListsOutput{ThreatIntelSetIDs: ids}, err
}

func deleteList(ctx context.Context, c *service.Call, kind string, in *ListIDInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := loadDetector(tx, c, in.DetectorID); err != nil {
			return err
		}
		err := tx.Delete(TableLists, listKey(c.Account(), c.Region, kind, in.id()))
		if errors.Is(err, store.ErrNotFound) {
			return badRequest.New("The request is rejected because the input %s is not owned by the current account.", in.id())
		}
		return err
	})
}

// activeLists reads the active lists of an account's detector, as the
// engine takes them; it also returns a version that changes when they do.
func activeLists(tx store.Tx, dataDir, account, region string) (trusted *detect.IPList, threats []*detect.IPList, version string, err error) {
	var ls []list
	err = tx.Scan(TableLists, account+"/"+region+"/", "", 0, func(_ string, b []byte) error {
		var l list
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		ls = append(ls, l)
		return nil
	})
	if err != nil {
		return nil, nil, "", err
	}
	for _, l := range ls {
		version += l.ID + ":" + l.Location + ":" + boolText(l.Active) + ";"
		if !l.Active {
			continue
		}
		parsed, err := readList(tx, dataDir, &l)
		if err != nil {
			continue // the file changed since it was checked: the list is left out
		}
		if l.Kind == "ipset" {
			trusted = parsed
		} else {
			threats = append(threats, parsed)
		}
	}
	return trusted, threats, version, nil
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
