//! Table-driven tests for the collection functions, evaluated through the real
//! evaluator; expected values are what Terraform 1.11.4 prints in its console.

mod support;

use support::{check, check_err_prefix as check_err};
#[test]
fn collection_values() {
    for (src, want) in [
        (r#"alltrue(["true", true])"#, r#"true"#),
        (r#"alltrue([true, false, null])"#, r#"false"#),
        (r#"alltrue([null])"#, r#"false"#),
        (r#"anytrue([null, true])"#, r#"true"#),
        (r#"anytrue([])"#, r#"false"#),
        (
            r#"chunklist(["a", "b", "c", "d", "e"], 2)"#,
            r#"tolist([
  tolist([
    "a",
    "b",
  ]),
  tolist([
    "c",
    "d",
  ]),
  tolist([
    "e",
  ]),
])"#,
        ),
        (r#"chunklist([], 2)"#, r#"tolist([])"#),
        (
            r#"chunklist(["a"], 0)"#,
            r#"tolist([
  tolist([
    "a",
  ]),
])"#,
        ),
        (
            r#"chunklist(["a", 1], 1)"#,
            r#"tolist([
  tolist([
    "a",
  ]),
  tolist([
    "1",
  ]),
])"#,
        ),
        (r#"coalesce("a", "b")"#, r#""a""#),
        (r#"coalesce(1, "b")"#, r#""1""#),
        (r#"coalesce("", "", "x")"#, r#""x""#),
        (r#"coalesce([], ["a"])"#, r#"tolist([])"#),
        (
            r#"coalescelist(["a", "b"], ["c", "d"])"#,
            r#"[
  "a",
  "b",
]"#,
        ),
        (
            r#"coalescelist([], ["c"])"#,
            r#"[
  "c",
]"#,
        ),
        (
            r#"compact(["a", "", "b", null, "c"])"#,
            r#"tolist([
  "a",
  "b",
  "c",
])"#,
        ),
        (r#"compact([])"#, r#"tolist([])"#),
        (
            r#"concat(["a", ""], ["b", "c"])"#,
            r#"[
  "a",
  "",
  "b",
  "c",
]"#,
        ),
        (
            r#"concat(tolist(["a"]), tolist(["b"]))"#,
            r#"tolist([
  "a",
  "b",
])"#,
        ),
        (
            r#"concat(tolist(["a"]), tolist([1]))"#,
            r#"tolist([
  "a",
  "1",
])"#,
        ),
        (
            r#"concat(tolist(["a"]), [1])"#,
            r#"[
  "a",
  1,
]"#,
        ),
        (r#"concat([], [])"#, r#"[]"#),
        (r#"contains(["a", "b", "c"], "a")"#, r#"true"#),
        (r#"contains([1, 2], "1")"#, r#"false"#),
        (r#"contains(tolist([1, 2]), "1")"#, r#"false"#),
        (r#"contains(toset(["a", "b"]), "a")"#, r#"true"#),
        (r#"contains([], 1)"#, r#"false"#),
        (r#"contains([[1]], [1])"#, r#"true"#),
        (
            r#"distinct(["a", "b", "a", "c", "d", "b"])"#,
            r#"tolist([
  "a",
  "b",
  "c",
  "d",
])"#,
        ),
        (
            r#"distinct([1, "1"])"#,
            r#"tolist([
  "1",
])"#,
        ),
        (r#"distinct([])"#, r#"tolist([])"#),
        (r#"element(["a", "b", "c"], 1)"#, r#""b""#),
        (r#"element(["a", "b", "c"], 5)"#, r#""c""#),
        (r#"element(tolist(["a", "b", "c"]), -1)"#, r#""c""#),
        (r#"element(tolist(["a", "b", "c"]), -4)"#, r#""c""#),
        (
            r#"flatten([["a", "b"], [], ["c"]])"#,
            r#"[
  "a",
  "b",
  "c",
]"#,
        ),
        (
            r#"flatten([[["a", "b"], []], ["c"]])"#,
            r#"[
  "a",
  "b",
  "c",
]"#,
        ),
        (r#"flatten([])"#, r#"[]"#),
        (
            r#"flatten([1, [2, toset([3])], tolist([4])])"#,
            r#"[
  1,
  2,
  3,
  4,
]"#,
        ),
        (
            r#"flatten([null, [null]])"#,
            r#"[
  null,
  null,
]"#,
        ),
        (r#"index(["a", "b", "c"], "b")"#, r#"1"#),
        (
            r#"keys({a = 1, c = 2, d = 3})"#,
            r#"[
  "a",
  "c",
  "d",
]"#,
        ),
        (
            r#"keys(tomap({b=1,a=2}))"#,
            r#"tolist([
  "a",
  "b",
])"#,
        ),
        (r#"keys({})"#, r#"[]"#),
        (r#"keys(tomap({}))"#, r#"tolist([])"#),
        (r#"length([])"#, r#"0"#),
        (r#"length("👾🕹️")"#, r#"2"#),
        (r#"length(toset(["a", "b", "a"]))"#, r#"2"#),
        (r#"length({a=1})"#, r#"1"#),
        (r#"lookup({a = "ay", b = "bee"}, "a", "what?")"#, r#""ay""#),
        (r#"lookup(tomap({foo = "bar"}), "baz", "")"#, r#""""#),
        (r#"lookup({a=1}, "b", "x")"#, r#""x""#),
        (
            r#"matchkeys(["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"])"#,
            r#"tolist([
  "i-abc",
  "i-def",
])"#,
        ),
        (
            r#"matchkeys(["a", "b", "c"], ["ref1", "ref2", "ref3"], ["ref2", "ref1"])"#,
            r#"tolist([
  "a",
  "b",
])"#,
        ),
        (
            r#"matchkeys(["a"], [1], ["1"])"#,
            r#"tolist([
  "a",
])"#,
        ),
        (r#"matchkeys([], [], [])"#, r#"tolist([])"#),
        (
            r#"merge({a = "b", c = "d"}, {e = "f", c = "z"})"#,
            r#"{
  "a" = "b"
  "c" = "z"
  "e" = "f"
}"#,
        ),
        (
            r#"merge(tomap({a = "b"}), tomap({c = "d"}))"#,
            r#"tomap({
  "a" = "b"
  "c" = "d"
})"#,
        ),
        (
            r#"merge(tomap({a = "b"}), {c = 1})"#,
            r#"{
  "a" = "b"
  "c" = 1
}"#,
        ),
        (r#"merge()"#, r#"{}"#),
        (
            r#"merge(null, {a=1})"#,
            r#"{
  "a" = 1
}"#,
        ),
        (
            r#"merge({a=1}, {a="x"})"#,
            r#"{
  "a" = "x"
}"#,
        ),
        (
            r#"merge(tomap({a=1}), tomap({b="x"}))"#,
            r#"{
  "a" = 1
  "b" = "x"
}"#,
        ),
        (r#"one([])"#, r#"null"#),
        (r#"one([true])"#, r#"true"#),
        (r#"one(tolist([]))"#, r#"null"#),
        (r#"one(toset(["a", "a"]))"#, r#""a""#),
        (
            r#"range(3)"#,
            r#"tolist([
  0,
  1,
  2,
])"#,
        ),
        (
            r#"range(1, 4, 0.5)"#,
            r#"tolist([
  1,
  1.5,
  2,
  2.5,
  3,
  3.5,
])"#,
        ),
        (r#"range(0)"#, r#"tolist([])"#),
        (
            r#"range(5, 0, -1)"#,
            r#"tolist([
  5,
  4,
  3,
  2,
  1,
])"#,
        ),
        (
            r#"range(-3)"#,
            r#"tolist([
  0,
  -1,
  -2,
])"#,
        ),
        (
            r#"range(3, 1)"#,
            r#"tolist([
  3,
  2,
])"#,
        ),
        (r#"range(0, 0, 0)"#, r#"tolist([])"#),
        (
            r#"range(0.5)"#,
            r#"tolist([
  0,
])"#,
        ),
        (
            r#"range(0, 1, 0.1)"#,
            r#"tolist([
  0,
  0.1,
  0.2,
  0.3,
  0.4,
  0.5,
  0.6,
  0.70000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000006,
  0.8000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001,
  0.9000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001,
])"#,
        ),
        (
            r#"reverse([1, 2, 3])"#,
            r#"[
  3,
  2,
  1,
]"#,
        ),
        (
            r#"reverse(tolist(["a", "b"]))"#,
            r#"tolist([
  "b",
  "a",
])"#,
        ),
        (
            r#"reverse(toset(["b", "a"]))"#,
            r#"tolist([
  "b",
  "a",
])"#,
        ),
        (r#"reverse([])"#, r#"[]"#),
        (
            r#"setintersection(["a", "b"], ["b", "c"], ["b", "d"])"#,
            r#"toset([
  "b",
])"#,
        ),
        (r#"setintersection(["a"], [1])"#, r#"toset([])"#),
        (r#"setintersection([], ["a"])"#, r#"toset([])"#),
        (
            r#"setproduct(["development", "staging", "production"], ["app1", "app2"])"#,
            r#"tolist([
  [
    "development",
    "app1",
  ],
  [
    "development",
    "app2",
  ],
  [
    "staging",
    "app1",
  ],
  [
    "staging",
    "app2",
  ],
  [
    "production",
    "app1",
  ],
  [
    "production",
    "app2",
  ],
])"#,
        ),
        (
            r#"setproduct(["staging", "production"], ["a", 2])"#,
            r#"tolist([
  [
    "staging",
    "a",
  ],
  [
    "staging",
    "2",
  ],
  [
    "production",
    "a",
  ],
  [
    "production",
    "2",
  ],
])"#,
        ),
        (
            r#"setproduct(toset(["a"]), ["b"])"#,
            r#"toset([
  [
    "a",
    "b",
  ],
])"#,
        ),
        (r#"setproduct(["a"], [])"#, r#"tolist([])"#),
        (r#"setproduct(toset([]), [])"#, r#"toset([])"#),
        (
            r#"setsubtract(["a", "b", "c"], ["a", "c"])"#,
            r#"toset([
  "b",
])"#,
        ),
        (
            r#"setsubtract([1, 2], ["1"])"#,
            r#"toset([
  "2",
])"#,
        ),
        (
            r#"setunion(["a", "b"], ["b", "c"], ["d"])"#,
            r#"toset([
  "a",
  "b",
  "c",
  "d",
])"#,
        ),
        (
            r#"setunion([1, 10, 2], ["x"])"#,
            r#"toset([
  "1",
  "10",
  "2",
  "x",
])"#,
        ),
        (r#"setunion([], [])"#, r#"toset([])"#),
        (
            r#"slice(["a", "b", "c", "d"], 1, 3)"#,
            r#"[
  "b",
  "c",
]"#,
        ),
        (
            r#"slice(["a", "b", 3, 4], 1, 3)"#,
            r#"[
  "b",
  3,
]"#,
        ),
        (r#"slice(tolist(["a", "b"]), 0, 0)"#, r#"tolist([])"#),
        (
            r#"sort(["e", "d", "a", "x"])"#,
            r#"tolist([
  "a",
  "d",
  "e",
  "x",
])"#,
        ),
        (
            r#"sort([3, 10, 1])"#,
            r#"tolist([
  "1",
  "10",
  "3",
])"#,
        ),
        (r#"sort([])"#, r#"tolist([])"#),
        (
            r#"transpose({"a" = ["1", "2"], "b" = ["2", "3"]})"#,
            r#"tomap({
  "1" = tolist([
    "a",
  ])
  "2" = tolist([
    "a",
    "b",
  ])
  "3" = tolist([
    "b",
  ])
})"#,
        ),
        (
            r#"transpose({key1 = ["a", "b"], key2 = ["a", "b", "c"], key3 = ["c"], key4 = []})"#,
            r#"tomap({
  "a" = tolist([
    "key1",
    "key2",
  ])
  "b" = tolist([
    "key1",
    "key2",
  ])
  "c" = tolist([
    "key2",
    "key3",
  ])
})"#,
        ),
        (r#"transpose({})"#, r#"tomap({})"#),
        (
            r#"values({a = 3, c = 2, d = 1})"#,
            r#"[
  3,
  2,
  1,
]"#,
        ),
        (
            r#"values(tomap({a = 3, c = 2}))"#,
            r#"tolist([
  3,
  2,
])"#,
        ),
        (r#"values({})"#, r#"[]"#),
        (
            r#"zipmap(["a", "b"], [1, 2])"#,
            r#"{
  "a" = 1
  "b" = 2
}"#,
        ),
        (
            r#"zipmap(["a", "b"], tolist([1, 2]))"#,
            r#"tomap({
  "a" = 1
  "b" = 2
})"#,
        ),
        (
            r#"zipmap(["a", "a"], [1, "x"])"#,
            r#"{
  "a" = "x"
}"#,
        ),
        (r#"zipmap([], [])"#, r#"{}"#),
        (r#"alltrue([])"#, r#"true"#),
        (r#"anytrue(["true"])"#, r#"true"#),
        (r#"coalesce(1, 2)"#, r#"1"#),
        (r#"coalesce("", "second", "third")"#, r#""second""#),
        (
            r#"coalescelist([[], ["c", "d"]]...)"#,
            r#"[
  "c",
  "d",
]"#,
        ),
        (
            r#"keys({"hello" = 1, "goodbye" = 42})"#,
            r#"[
  "goodbye",
  "hello",
]"#,
        ),
        (r#"length("noël")"#, r#"4"#),
        (
            r#"merge({"a" = "b"}, {"c" = "d"})"#,
            r#"{
  "a" = "b"
  "c" = "d"
}"#,
        ),
        (
            r#"[one([])]"#,
            r#"[
  null,
]"#,
        ),
    ] {
        check(src, want);
    }
}

#[test]
fn collection_errors() {
    for (src, want) in [
        (r#"anytrue("x")"#, r#"Invalid function argument: Invalid value for "list" parameter: list of bool required."#),
        (
            r#"chunklist(["a"], -1)"#,
            r#"Error in function call: Call to function "chunklist" failed: the size argument must be positive."#,
        ),
        (
            r#"coalesce("", "")"#,
            r#"Error in function call: Call to function "coalesce" failed: no non-null, non-empty-string arguments."#,
        ),
        (
            r#"coalesce(null, null)"#,
            r#"Error in function call: Call to function "coalesce" failed: no non-null, non-empty-string arguments."#,
        ),
        (
            r#"coalesce()"#,
            r#"Error in function call: Call to function "coalesce" failed: all arguments must have the same type."#,
        ),
        (
            r#"coalesce({a=1}, "x")"#,
            r#"Error in function call: Call to function "coalesce" failed: all arguments must have the same type."#,
        ),
        (
            r#"coalescelist([], [])"#,
            r#"Error in function call: Call to function "coalescelist" failed: no non-null arguments."#,
        ),
        (
            r#"coalescelist("a")"#,
            r#"Error in function call: Call to function "coalescelist" failed: coalescelist arguments must be lists or tuples."#,
        ),
        (
            r#"coalescelist(null, ["a"])"#,
            r#"Error in function call: Call to function "coalescelist" failed: coalescelist arguments must be lists or tuples."#,
        ),
        (
            r#"coalescelist()"#,
            r#"Error in function call: Call to function "coalescelist" failed: at least one argument is required."#,
        ),
        (
            r#"concat("a")"#,
            r#"Invalid function argument: Invalid value for "seqs" parameter: all arguments must be lists or tuples; got string."#,
        ),
        (
            r#"concat()"#,
            r#"Error in function call: Call to function "concat" failed: at least one argument is required."#,
        ),
        (
            r#"contains("abc", "a")"#,
            r#"Error in function call: Call to function "contains" failed: argument must be list, tuple, or set."#,
        ),
        (
            r#"element(["a", "b", "c"], -1)"#,
            r#"Error in function call: Call to function "element" failed: panic in function implementation: runtime error: index out of range [-1]"#,
        ),
        (
            r#"element(["a", "b", "c"], -2)"#,
            r#"Error in function call: Call to function "element" failed: panic in function implementation: runtime error: index out of range [-2]"#,
        ),
        (
            r#"element([], 0)"#,
            r#"Error in function call: Call to function "element" failed: cannot use element function with an empty list."#,
        ),
        (
            r#"element(tolist([]), 0)"#,
            r#"Error in function call: Call to function "element" failed: cannot use element function with an empty list."#,
        ),
        (
            r#"element(toset(["a"]), 0)"#,
            r#"Error in function call: Call to function "element" failed: cannot read elements from set of string."#,
        ),
        (
            r#"element(["a"], 1.5)"#,
            r#"Error in function call: Call to function "element" failed: invalid index: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"element("abc", 1)"#,
            r#"Error in function call: Call to function "element" failed: cannot read elements from string."#,
        ),
        (
            r#"flatten("a")"#,
            r#"Error in function call: Call to function "flatten" failed: can only flatten lists, sets and tuples."#,
        ),
        (r#"index(["a"], "z")"#, r#"Error in function call: Call to function "index" failed: item not found."#),
        (
            r#"index([], "z")"#,
            r#"Error in function call: Call to function "index" failed: cannot search an empty list."#,
        ),
        (
            r#"index(toset(["a"]), "a")"#,
            r#"Error in function call: Call to function "index" failed: argument must be a list or tuple."#,
        ),
        (r#"index([1, 2], "2")"#, r#"Error in function call: Call to function "index" failed: item not found."#),
        (
            r#"keys([1])"#,
            r#"Invalid function argument: Invalid value for "inputMap" parameter: must have map or object type."#,
        ),
        (
            r#"length(1)"#,
            r#"Error in function call: Call to function "length" failed: argument must be a string, a collection type, or a structural type."#,
        ),
        (
            r#"length(true)"#,
            r#"Error in function call: Call to function "length" failed: argument must be a string, a collection type, or a structural type."#,
        ),
        (
            r#"lookup({foo = "bar"}, "boop")"#,
            r#"Invalid function argument: Invalid value for "inputMap" parameter: the given object has no attribute "boop"."#,
        ),
        (
            r#"lookup(tomap({foo = "bar"}), "boop")"#,
            r#"Error in function call: Call to function "lookup" failed: lookup failed to find key "boop"."#,
        ),
        (
            r#"lookup(tomap({a=1}), "b", "x")"#,
            r#"Invalid function argument: Invalid value for "default" parameter: the default value must have the same type as the map elements."#,
        ),
        (
            r#"lookup(tomap({a=1}), "b", [1])"#,
            r#"Invalid function argument: Invalid value for "default" parameter: the default value must have the same type as the map elements."#,
        ),
        (
            r#"lookup([1], "a")"#,
            r#"Invalid function argument: Invalid value for "inputMap" parameter: lookup() requires a map as the first argument."#,
        ),
        (
            r#"lookup({a=1}, "a", 1, 2)"#,
            r#"Error in function call: Call to function "lookup" failed: lookup() takes two or three arguments, got 4."#,
        ),
        (
            r#"matchkeys(["a"], ["b", "c"], ["b"])"#,
            r#"Error in function call: Call to function "matchkeys" failed: length of keys and values should be equal."#,
        ),
        (
            r#"matchkeys(["a"], [1], [[1]])"#,
            r#"Error in function call: Call to function "matchkeys" failed: keys and searchset must be of the same type."#,
        ),
        (
            r#"merge("a")"#,
            r#"Error in function call: Call to function "merge" failed: arguments must be maps or objects, got "string"."#,
        ),
        (
            r#"one([1, 2])"#,
            r#"Invalid function argument: Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements."#,
        ),
        (
            r#"one("a")"#,
            r#"Invalid function argument: Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements."#,
        ),
        (
            r#"one({})"#,
            r#"Invalid function argument: Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements."#,
        ),
        (
            r#"range(0, 1, 0)"#,
            r#"Error in function call: Call to function "range" failed: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step."#,
        ),
        (
            r#"range(1, 0, 0)"#,
            r#"Invalid function argument: Invalid value for "params" parameter: end must be greater than start when step is positive."#,
        ),
        (
            r#"range(1, 5, -1)"#,
            r#"Invalid function argument: Invalid value for "params" parameter: end must be less than start when step is negative."#,
        ),
        (
            r#"range(5, 1, 1)"#,
            r#"Invalid function argument: Invalid value for "params" parameter: end must be greater than start when step is positive."#,
        ),
        (
            r#"range()"#,
            r#"Error in function call: Call to function "range" failed: must have one, two, or three arguments."#,
        ),
        (
            r#"range(1,2,3,4)"#,
            r#"Error in function call: Call to function "range" failed: must have one, two, or three arguments."#,
        ),
        (
            r#"range(2000)"#,
            r#"Error in function call: Call to function "range" failed: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step."#,
        ),
        (
            r#"reverse("ab")"#,
            r#"Invalid function argument: Invalid value for "list" parameter: can only reverse list or tuple values, not string."#,
        ),
        (
            r#"setintersection(["a"], [[1]])"#,
            r#"Error in function call: Call to function "setintersection" failed: given sets must all have compatible element types."#,
        ),
        (
            r#"setproduct(["a"])"#,
            r#"Error in function call: Call to function "setproduct" failed: at least two arguments are required."#,
        ),
        (
            r#"setproduct(["a"], "b")"#,
            r#"Invalid function argument: Invalid value for "sets" parameter: a set or a list is required."#,
        ),
        (
            r#"setproduct([1, "a", [1]], ["b"])"#,
            r#"Invalid function argument: Invalid value for "sets" parameter: all elements must be of the same type."#,
        ),
        (
            r#"setunion(["a"], [["b"]])"#,
            r#"Error in function call: Call to function "setunion" failed: given sets must all have compatible element types."#,
        ),
        (
            r#"slice([1], 0, 2)"#,
            r#"Invalid function argument: Invalid value for "end_index" parameter: end index must not be greater than the length of the list."#,
        ),
        (
            r#"slice([1], -1, 1)"#,
            r#"Invalid function argument: Invalid value for "start_index" parameter: start index must not be less than zero."#,
        ),
        (
            r#"slice([1, 2], 2, 1)"#,
            r#"Invalid function argument: Invalid value for "start_index" parameter: start index must not be greater than end index."#,
        ),
        (
            r#"slice(toset([1]), 0, 1)"#,
            r#"Invalid function argument: Invalid value for "list" parameter: cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important."#,
        ),
        (
            r#"slice("ab", 0, 1)"#,
            r#"Invalid function argument: Invalid value for "list" parameter: must be a list or tuple value."#,
        ),
        (
            r#"slice([1], 0.5, 1)"#,
            r#"Invalid function argument: Invalid value for "start_index" parameter: invalid start index: value must be a whole number, between -9223372036854775808 and 9223372036854775807."#,
        ),
        (
            r#"sort(["b", null])"#,
            r#"Error in function call: Call to function "sort" failed: given list element 1 is null; a null string cannot be sorted."#,
        ),
        (
            r#"transpose({a = [null]})"#,
            r#"Error in function call: Call to function "transpose" failed: input list must not contain null string."#,
        ),
        (
            r#"transpose({a = null})"#,
            r#"Error in function call: Call to function "transpose" failed: input must not contain null list."#,
        ),
        (
            r#"values([1])"#,
            r#"Error in function call: Call to function "values" failed: values() requires a map as the first argument."#,
        ),
        (
            r#"zipmap(["a", "b"], [1])"#,
            r#"Error in function call: Call to function "zipmap" failed: number of keys (2) does not match number of values (1)."#,
        ),
        (
            r#"zipmap(["a", "b"], tolist([1]))"#,
            r#"Error in function call: Call to function "zipmap" failed: number of keys (2) does not match number of values (1)."#,
        ),
        (
            r#"zipmap(["a"], "x")"#,
            r#"Error in function call: Call to function "zipmap" failed: values argument must be a list or tuple value."#,
        ),
        (
            r#"zipmap(["a", null], [1, 2])"#,
            r#"Error in function call: Call to function "zipmap" failed: keys list has null value at index 1."#,
        ),
        (
            r#"list(1, 2)"#,
            r#"Error in function call: Call to function "list" failed: the "list" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list."#,
        ),
        (
            r#"map("a", 1)"#,
            r#"Error in function call: Call to function "map" failed: the "map" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map."#,
        ),
        (
            r#"list()"#,
            r#"Error in function call: Call to function "list" failed: the "list" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list."#,
        ),
    ] {
        check_err(src, want);
    }
}

#[test]
fn unknown_and_sensitive_values() {
    for (src, want) in [
        (r#"length([var.unknown_string, "a"])"#, r#"2"#),
        (r#"length(var.unknown_list)"#, r#"(known after apply)"#),
        (r#"length(var.unknown_string)"#, r#"(known after apply)"#),
        (r#"length(toset([var.unknown_string]))"#, r#"1"#),
        (r#"length(sensitive([1,2]))"#, r#"(sensitive value)"#),
        (r#"length(sensitive("abc"))"#, r#"(sensitive value)"#),
        (r#"length({a = var.unknown})"#, r#"1"#),
        (
            r#"concat([1], [var.unknown_string])"#,
            r#"[
  1,
  (known after apply),
]"#,
        ),
        (r#"concat(var.unknown_list, ["a"])"#, r#"(known after apply)"#),
        (r#"concat(tolist(["a"]), var.unknown_list)"#, r#"(known after apply)"#),
        (r#"upper(var.unknown_string)"#, r#"(known after apply)"#),
        (r#"upper(sensitive("a"))"#, r#"(sensitive value)"#),
        (r#"format("%s", var.unknown_string)"#, r#"(known after apply)"#),
        (r#"format("%s", sensitive("a"))"#, r#"(sensitive value)"#),
        (
            r#"formatlist("%s", [var.unknown_string, "a"])"#,
            r#"tolist([
  (known after apply),
  "a",
])"#,
        ),
        (r#"formatlist("%s", var.unknown_list)"#, r#"(known after apply)"#),
        (r#"alltrue([false, var.unknown_bool])"#, r#"false"#),
        (r#"alltrue([true, var.unknown_bool])"#, r#"(known after apply)"#),
        (r#"anytrue([true, var.unknown_bool])"#, r#"true"#),
        (r#"anytrue([false, var.unknown_bool])"#, r#"(known after apply)"#),
        (r#"contains(["a", var.unknown_string], "a")"#, r#"true"#),
        (r#"contains(["a", var.unknown_string], "b")"#, r#"(known after apply)"#),
        (r#"index(["a", var.unknown_string], "a")"#, r#"0"#),
        (r#"keys(var.unknown_map)"#, r#"(known after apply)"#),
        (
            r#"keys({a = var.unknown_string})"#,
            r#"[
  "a",
]"#,
        ),
        (r#"keys(sensitive({a = 1}))"#, r#"(sensitive value)"#),
        (
            r#"values({a = var.unknown_string, b = 1})"#,
            r#"[
  (known after apply),
  1,
]"#,
        ),
        (r#"lookup(var.unknown_map, "a", "x")"#, r#"(known after apply)"#),
        (r#"lookup({a = var.unknown_string}, "a")"#, r#"(known after apply)"#),
        (r#"lookup(sensitive({a = "x"}), "a")"#, r#"(sensitive value)"#),
        (r#"lookup({a = sensitive("x"), b = "y"}, "b")"#, r#""y""#),
        (
            r#"merge({a = var.unknown_string}, {b = 1})"#,
            r#"{
  "a" = (known after apply)
  "b" = 1
}"#,
        ),
        (r#"merge(var.unknown_map, {b = "x"})"#, r#"(known after apply)"#),
        (r#"element([var.unknown_string, "b"], 1)"#, r#""b""#),
        (r#"element(sensitive(["a","b"]), 1)"#, r#"(sensitive value)"#),
        (r#"element(["a", "b"], var.unknown_number)"#, r#"(known after apply)"#),
        (r#"startswith(var.unknown_string, "")"#, r#"true"#),
        (r#"startswith(var.unknown_string, "a")"#, r#"(known after apply)"#),
        (r#"join(",", ["a", var.unknown_string])"#, r#"(known after apply)"#),
        (
            r#"sort(["b", var.unknown_string])"#,
            r#"tolist([
  (known after apply),
  (known after apply),
])"#,
        ),
        (
            r#"flatten([["a"], [var.unknown_string]])"#,
            r#"[
  "a",
  (known after apply),
]"#,
        ),
        (r#"flatten([["a"], var.unknown_list])"#, r#"(known after apply)"#),
        (
            r#"reverse([var.unknown_string, 1])"#,
            r#"[
  1,
  (known after apply),
]"#,
        ),
        (
            r#"slice([1, var.unknown_string, 3], 0, 2)"#,
            r#"[
  1,
  (known after apply),
]"#,
        ),
        (
            r#"zipmap(["a", "b"], [var.unknown_string, 1])"#,
            r#"{
  "a" = (known after apply)
  "b" = 1
}"#,
        ),
        (r#"zipmap(["a", var.unknown_string], [1, 2])"#, r#"(known after apply)"#),
        (
            r#"setunion(["a"], [var.unknown_string])"#,
            r#"toset([
  "a",
  (known after apply),
])"#,
        ),
        (r#"setintersection(["a"], [var.unknown_string])"#, r#"(known after apply)"#),
        (
            r#"setproduct(["a"], [var.unknown_string])"#,
            r#"tolist([
  [
    "a",
    (known after apply),
  ],
])"#,
        ),
        (r#"coalesce(var.unknown_string, "a")"#, r#"(known after apply)"#),
        (r#"coalesce("a", var.unknown_string)"#, r#""a""#),
        (r#"coalescelist(var.unknown_list, ["a"])"#, r#"(known after apply)"#),
        (r#"one([var.unknown_string])"#, r#"(known after apply)"#),
        (r#"one(var.unknown_list)"#, r#"(known after apply)"#),
        (r#"sum([1, var.unknown_number])"#, r#"(known after apply)"#),
        (r#"range(var.unknown_number)"#, r#"(known after apply)"#),
        (r#"parseint(var.unknown_string, 10)"#, r#"(known after apply)"#),
        (r#"parseint("10", sensitive(16))"#, r#"(sensitive value)"#),
        (r#"regex(var.unknown_string, "a")"#, r#"(known after apply)"#),
        (r#"regex("(a)", var.unknown_string)"#, r#"(known after apply)"#),
        (r#"regexall("(?P<x>a)", var.unknown_string)"#, r#"(known after apply)"#),
        (r#"abs(sensitive(-1))"#, r#"(sensitive value)"#),
        (r#"max(1, var.unknown_number)"#, r#"(known after apply)"#),
        (r#"chunklist(sensitive(["a", "b"]), 1)"#, r#"(sensitive value)"#),
        (
            r#"chunklist([var.unknown_string, "b"], 1)"#,
            r#"tolist([
  tolist([
    (known after apply),
  ]),
  tolist([
    "b",
  ]),
])"#,
        ),
        (r#"distinct([var.unknown_string, "b"])"#, r#"(known after apply)"#),
        (r#"matchkeys(["a", "b"], ["x", var.unknown_string], ["x"])"#, r#"(known after apply)"#),
        (r#"transpose({a = [var.unknown_string]})"#, r#"(known after apply)"#),
        (r#"compact(["a", var.unknown_string])"#, r#"(known after apply)"#),
        (r#"split(",", var.unknown_string)"#, r#"(known after apply)"#),
        (r#"substr(sensitive("hello"), 1, 2)"#, r#"(sensitive value)"#),
        (r#"replace(sensitive("hello"), "l", "L")"#, r#"(sensitive value)"#),
        (r#"tolist(concat(["a"], sensitive(["b"])))"#, r#"(sensitive value)"#),
    ] {
        check(src, want);
    }
}
