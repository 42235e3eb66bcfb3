package posture

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"time"
)

// WriteHTML writes a self-contained HTML report (no external scripts, styles
// or fonts): the score per standard as rings, a bar chart of failed controls
// by severity, and a table of every control with its failing resources and
// the fix, filterable by status.
func (r *Report) WriteHTML(w io.Writer) error {
	return htmlTemplate.Execute(w, r.htmlView())
}

type htmlView struct {
	Account, Generated string
	Score              string
	Rings              []htmlRing
	Bars               []htmlBar
	BarMax             int
	Controls           []htmlControl
	Counts             map[string]int
	Warnings           []string
}

type htmlRing struct {
	Name, Label string
	Dash, Gap   float64
	Detail      string
	Color       string
}

type htmlBar struct {
	Severity string
	Count    int
	Width    float64
	Y        int
	Color    string
}

type htmlControl struct {
	ID, Title, Severity, Status, Requirements, Fix, URL string
	Bad                                                 []Result
	More                                                int
	Note                                                string
}

var sevColors = map[string]string{"CRITICAL": "#7b1fa2", "HIGH": "#d32f2f", "MEDIUM": "#f57c00", "LOW": "#fbc02d", "INFORMATIONAL": "#1976d2"}

const ringLen = 2 * math.Pi * 40

var (
	statusOrder = map[string]int{"FAILED": 0, "UNKNOWN": 1, "PASSED": 2, "NO_DATA": 3}
	sevOrder    = map[string]int{"INFORMATIONAL": 1, "LOW": 2, "MEDIUM": 3, "HIGH": 4, "CRITICAL": 5}
)

func (r *Report) htmlView() htmlView {
	v := htmlView{Account: r.AccountID, Generated: r.GeneratedAt.UTC().Format(time.RFC3339), Score: fmtScore(r.Score),
		Counts: map[string]int{}, Warnings: r.Warnings}
	for _, s := range r.Standards {
		ring := htmlRing{Name: s.Name, Label: fmtScore(s.Score), Color: "#2e7d32",
			Detail: fmt.Sprintf("%d passed · %d failed · %d unknown · %d no data", s.Passed, s.Failed, s.Unknown, s.NoData)}
		if s.Score >= 0 {
			ring.Dash = ringLen * float64(s.Score) / 100
			if s.Score < 50 {
				ring.Color = "#d32f2f"
			} else if s.Score < 80 {
				ring.Color = "#f57c00"
			}
		}
		ring.Gap = ringLen - ring.Dash
		v.Rings = append(v.Rings, ring)
	}
	failedBySev := map[string]int{}
	for _, cr := range r.Controls {
		v.Counts[string(cr.Status)]++
		if cr.Status == ControlFailed {
			failedBySev[cr.Control.Severity]++
		}
		v.Controls = append(v.Controls, htmlControlOf(&cr))
	}
	// Failed controls first, then unknown, passed and no data; within each, most severe first.
	slices.SortStableFunc(v.Controls, func(a, b htmlControl) int {
		if c := statusOrder[a.Status] - statusOrder[b.Status]; c != 0 {
			return c
		}
		return sevOrder[b.Severity] - sevOrder[a.Severity]
	})
	for i, sev := range []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"} {
		v.BarMax = max(v.BarMax, failedBySev[sev])
		v.Bars = append(v.Bars, htmlBar{Severity: sev, Count: failedBySev[sev], Y: 10 + i*34, Color: sevColors[sev]})
	}
	for i := range v.Bars {
		if v.BarMax > 0 {
			v.Bars[i].Width = 300 * float64(v.Bars[i].Count) / float64(v.BarMax)
		}
	}
	return v
}

func htmlControlOf(cr *ControlResult) htmlControl {
	c := cr.Control
	hc := htmlControl{ID: c.ID, Title: c.Title, Severity: c.Severity, Status: string(cr.Status), Fix: c.Remediation, URL: c.RemediationURL}
	for i, l := range c.RequirementLabels() {
		if i > 0 {
			hc.Requirements += ", "
		}
		hc.Requirements += l
	}
	for _, x := range cr.Results {
		switch {
		case x.Status == Failed || x.Status == Warning:
			if len(hc.Bad) < 50 {
				hc.Bad = append(hc.Bad, x)
			} else {
				hc.More++
			}
		case x.Status == NotAvailable && hc.Note == "":
			hc.Note = x.Reason
		}
	}
	return hc
}

var htmlTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>moat posture: account {{.Account}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#232f3e;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#c8d0da;font-size:13px}
main{padding:20px 28px;max-width:1200px}
.cards{display:flex;flex-wrap:wrap;gap:16px}.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:16px}
.ring{width:250px;text-align:center}.ring h3{font-size:13px;margin:8px 0 2px}.ring p{font-size:12px;color:#555;margin:0}
.big{font-size:40px;font-weight:700}
table{border-collapse:collapse;width:100%;background:#fff;margin-top:16px;font-size:13px}
th,td{text-align:left;padding:8px;border-bottom:1px solid #e3e6ea;vertical-align:top}th{background:#eef1f4}
.badge{display:inline-block;border-radius:10px;padding:2px 8px;font-size:11px;font-weight:600;color:#fff}
.s-FAILED{background:#d32f2f}.s-PASSED{background:#2e7d32}.s-UNKNOWN{background:#f57c00}.s-NO_DATA{background:#9e9e9e}
.v-CRITICAL{color:#7b1fa2;font-weight:700}.v-HIGH{color:#d32f2f;font-weight:700}.v-MEDIUM{color:#f57c00}.v-LOW{color:#a08000}
ul{margin:4px 0;padding-left:18px}li{margin:2px 0;word-break:break-all}.fix{color:#1b5e20}.note{color:#777;font-style:italic}
.filters button{margin-right:6px;border:1px solid #bbb;background:#fff;border-radius:4px;padding:4px 10px;cursor:pointer}
.filters button.on{background:#232f3e;color:#fff}
.warn{background:#fff3e0;border-left:4px solid #f57c00;padding:8px 12px;margin:12px 0;font-size:13px}
</style></head>
<body>
<header><h1>Security posture of account {{.Account}}</h1><p>Evaluated {{.Generated}} by moat posture · summary score <strong>{{.Score}}</strong></p></header>
<main>
{{range .Warnings}}<div class="warn">{{.}}</div>{{end}}
<div class="cards">
{{range .Rings}}<div class="card ring">
<svg width="120" height="120" viewBox="0 0 100 100" role="img" aria-label="{{.Name}} {{.Label}}">
<circle cx="50" cy="50" r="40" fill="none" stroke="#e3e6ea" stroke-width="12"/>
<circle cx="50" cy="50" r="40" fill="none" stroke="{{.Color}}" stroke-width="12" stroke-dasharray="{{printf "%.2f" .Dash}} {{printf "%.2f" .Gap}}" transform="rotate(-90 50 50)"/>
<text x="50" y="56" text-anchor="middle" font-size="18" font-weight="700">{{.Label}}</text></svg>
<h3>{{.Name}}</h3><p>{{.Detail}}</p></div>
{{end}}
<div class="card"><h3 style="margin:0 0 8px;font-size:13px">Failed controls by severity</h3>
<svg width="460" height="180" role="img" aria-label="failed controls by severity">
{{range .Bars}}<text x="0" y="{{.Y}}" dy="16" font-size="12">{{.Severity}}</text>
<rect x="110" y="{{.Y}}" width="{{printf "%.1f" .Width}}" height="22" fill="{{.Color}}" rx="3"/>
<text x="{{printf "%.1f" .Width}}" dx="116" y="{{.Y}}" dy="16" font-size="12">{{.Count}}</text>
{{end}}</svg></div>
</div>
<div class="filters" style="margin-top:18px">Show:
<button class="on" data-f="ALL">all ({{len .Controls}})</button><button data-f="FAILED">failed ({{index .Counts "FAILED"}})</button><button data-f="UNKNOWN">unknown ({{index .Counts "UNKNOWN"}})</button><button data-f="PASSED">passed ({{index .Counts "PASSED"}})</button><button data-f="NO_DATA">no data ({{index .Counts "NO_DATA"}})</button>
</div>
<table><thead><tr><th>Status</th><th>Severity</th><th>Control</th><th>Title and findings</th><th>Standards</th></tr></thead><tbody>
{{range .Controls}}<tr data-s="{{.Status}}"><td><span class="badge s-{{.Status}}">{{.Status}}</span></td><td class="v-{{.Severity}}">{{.Severity}}</td>
<td>{{if .URL}}<a href="{{.URL}}">{{.ID}}</a>{{else}}{{.ID}}{{end}}</td>
<td>{{.Title}}{{if .Bad}}<ul>{{range .Bad}}<li><b>{{.Status}}</b> {{.ResourceType}} {{.ResourceID}}: {{.Reason}}</li>{{end}}{{if .More}}<li>… and {{.More}} more</li>{{end}}</ul>{{end}}
{{if and .Bad .Fix}}<div class="fix">Fix: {{.Fix}}</div>{{end}}{{if .Note}}<div class="note">{{.Note}}</div>{{end}}</td>
<td>{{.Requirements}}</td></tr>
{{end}}</tbody></table>
<p style="font-size:12px;color:#777">Score = passed ÷ (passed + failed + unknown) controls per standard, as Security Hub computes it; controls without data are left out. Generated by moat; not an AWS product.</p>
</main>
<script>
document.querySelectorAll('.filters button').forEach(function(b){b.addEventListener('click',function(){
document.querySelectorAll('.filters button').forEach(function(x){x.classList.remove('on')});b.classList.add('on');
var f=b.getAttribute('data-f');document.querySelectorAll('tbody tr').forEach(function(r){r.style.display=(f==='ALL'||r.getAttribute('data-s')===f)?'':'none'});});});
</script>
</body></html>
`))
