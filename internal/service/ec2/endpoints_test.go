package ec2

import (
	"testing"
)

// An endpoint's policy survives the stored document (kept as text,
// compiled again on decode); the AWS-managed prefix lists are added once,
// with stable IDs.
func TestEndpointStateRoundTrip(t *testing.T) {
	st := emptyState("111122223333")
	st.addAWSPrefixLists("eu-west-1")
	v, err := st.Net.CreateVpc("10.0.0.0/16")
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`
	e, err := st.Net.CreateVpcEndpoint(v.VpcId, "Gateway", "com.amazonaws.eu-west-1.s3", []string{v.MainRouteTableId}, nil, nil, doc)
	if err != nil {
		t.Fatal(err)
	}
	pl := awsPrefixListID("eu-west-1", "s3")
	if r := st.Net.RouteTables[v.MainRouteTableId].Routes; r[len(r)-1].DestinationPrefixListId != pl {
		t.Fatalf("route uses %s, want the managed list %s", r[len(r)-1].DestinationPrefixListId, pl)
	}
	b, err := st.encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeState("111122223333", b)
	if err != nil {
		t.Fatal(err)
	}
	back.addAWSPrefixLists("eu-west-1")
	got := back.Net.Endpoints[e.VpcEndpointId]
	if got == nil || got.Policy == nil || got.PolicyDocument != doc || len(back.Net.PrefixLists) != 2 {
		t.Fatalf("after round trip: %+v, %d prefix lists", got, len(back.Net.PrefixLists))
	}
	if st.Net.Endpoints[e.VpcEndpointId].Policy == nil {
		t.Fatal("encode dropped the live endpoint's compiled policy")
	}
}
