// Package plan reads search plans: which routes, over which departure
// dates, for which stay lengths (round trips) and with which search options
// fetch asks a provider. A plan is a small YAML file:
//
//	routes: [ICN-NRT, ICN-KIX]
//	departure:
//	  from: 2027-01-01
//	  days: 30          # or to: 2027-01-30 (inclusive); not both
//	stays: [3, 7]       # round trips of 3 and 7 days; omit for one way
//	cabin: ECONOMY      # optional
//	non_stop: false
//	currency: KRW       # optional
//	adults: 1           # 1 to 9; 1 if omitted
//	max_offers: 50      # optional cap on offers per answer
//
// Files are decoded strictly (an unknown field is an error) and validated
// with every problem reported at once, each with its file and line. A plan
// expands to its searches in a fixed order: route, departure date, stay.
package plan
