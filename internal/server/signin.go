package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/service/iam"
	"github.com/moatdev/moat/internal/service/sns"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/trail"
)

// signinPath is moat's console sign-in endpoint (the web console will use
// it; tests and scripts post to it directly).
const signinPath = "/_moat/signin"

// RootPasswordFile is the name, inside the data directory, of the file
// holding the management account root user's console password (mode 0600).
const RootPasswordFile = "root-password"

// ensureRootPassword gives the management account's root user a console
// password once and writes it to the data directory; it is never logged.
func (s *Server) ensureRootPassword(ctx context.Context) error {
	var pw string
	err := s.db.Update(ctx, func(tx store.Tx) error {
		var err error
		pw, _, err = iam.EnsureRootPassword(tx, s.management)
		return err
	})
	if err != nil || pw == "" {
		return err
	}
	path := filepath.Join(s.cfg.DataDir, RootPasswordFile)
	if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
		return fmt.Errorf("root password file: %w", err)
	}
	s.log.Info("root console password written", "file", path)
	return nil
}

// signin answers POST /_moat/signin with a JSON body (iam.SignInInput) and
// records the attempt as CloudTrail's ConsoleLogin event, success or not, as
// AWS records console sign-ins.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	start := s.clock()
	var in iam.SignInInput
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err == nil {
		err = json.Unmarshal(body, &in)
	}
	if err != nil || in.Password == "" || (in.RootEmail == "" && (in.AccountID == "" || in.UserName == "")) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be JSON with password and either rootEmail, or accountId and userName"})
		return
	}
	out, err := iam.SignIn(r.Context(), s.db, in, start)
	if err != nil {
		s.log.Error("sign-in", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	}
	if err := s.recordSignIn(r, in, out, start); err != nil {
		s.log.Error("recording a console sign-in", "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	}
	if !out.Success {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"ConsoleLogin": "Failure", "message": out.Reason})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ConsoleLogin": "Success", "arn": out.ARN, "passwordResetRequired": out.PasswordResetRequired})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// recordSignIn writes the ConsoleLogin record in the shape AWS gives it
// (CloudTrail User Guide, "AWS console sign-in events"): eventSource
// signin.amazonaws.com, eventType AwsConsoleSignIn, responseElements
// ConsoleLogin Success/Failure, additionalEventData with MFAUsed, and
// errorMessage "Failed authentication" on failure. A failed attempt on a
// user that does not exist hides the name, as AWS does.
func (s *Server) recordSignIn(r *http.Request, in iam.SignInInput, out iam.SignInOutcome, start time.Time) error {
	result := "Success"
	if !out.Success {
		result = "Failure"
	}
	resp, _ := json.Marshal(map[string]string{"ConsoleLogin": result})
	mfa := "No"
	if out.MFAUsed {
		mfa = "Yes"
	}
	extra, _ := json.Marshal(map[string]string{"LoginTo": "https://console.aws.amazon.com/console/home", "MobileVersion": "No", "MFAUsed": mfa})
	id := trail.UserIdentity{Type: trail.IdentityIAMUser, AccountID: out.Account, AccessKeyID: ""}
	switch {
	case out.Root:
		id = trail.UserIdentity{Type: trail.IdentityRoot, PrincipalID: out.PrincipalID, ARN: out.ARN, AccountID: out.Account, AccessKeyID: ""}
	case out.Known:
		id.PrincipalID, id.ARN, id.UserName = out.PrincipalID, out.ARN, out.UserName
	default:
		id.UserName = "HIDDEN_DUE_TO_SECURITY_REASONS"
	}
	account := out.Account
	if account == "" {
		account = s.management
	}
	rec := &trail.Record{
		EventVersion: trail.EventVersion, UserIdentity: id, EventTime: trail.Time{Time: start},
		EventSource: "signin.amazonaws.com", EventName: "ConsoleLogin", AwsRegion: "us-east-1",
		SourceIPAddress: sourceIP(r), UserAgent: r.UserAgent(), RequestParameters: nil, ResponseElements: resp,
		AdditionalEventData: extra, EventID: uuid.NewString(), EventType: trail.EventTypeAwsConsoleSignIn,
		ManagementEvent: true, RecipientAccountID: account, EventCategory: trail.EventCategoryManagement,
	}
	if !out.Success {
		rec.ErrorMessage = out.Reason
	}
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	return s.trail.Record(ctx, rec)
}

// snsLink answers the links SNS messages carry: the signing certificate,
// SubscribeURL and UnsubscribeURL. Like AWS's, they need no signature: the
// token (or the subscription ARN) is the authority.
func (s *Server) snsLink(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch r.URL.Path {
	case sns.CertPath:
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(s.sns.CertPEM)
	case sns.ConfirmPath:
		arn, err := sns.ConfirmToken(r.Context(), s.db, q.Get("TopicArn"), q.Get("Token"))
		if err != nil {
			http.Error(w, "Invalid token", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<ConfirmSubscriptionResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ConfirmSubscriptionResult><SubscriptionArn>%s</SubscriptionArn></ConfirmSubscriptionResult></ConfirmSubscriptionResponse>`, arn)
	case sns.UnsubscribePath:
		if err := sns.UnsubscribeLink(r.Context(), s.db, q.Get("SubscriptionArn")); err != nil {
			http.Error(w, "Subscription does not exist", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<UnsubscribeResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ResponseMetadata/></UnsubscribeResponse>`)
	default:
		http.NotFound(w, r)
	}
}
