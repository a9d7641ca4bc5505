/// Expected messages computed by Go 1.26 text/template with IAC v1.2.1's
/// TemplateData/update.Result types and sprig v3.3.0's functions (ported by hand).
const CASES: &[(&str, &str, Result<&str, &str>)] = &[
    (r#"docs_objects"#, r#"Automated image update

Automation name: {{ .AutomationObject }}

Files:
{{ range $filename, $_ := .Changed.FileChanges -}}
- {{ $filename }}
{{ end -}}

Objects:
{{ range $resource, $changes := .Changed.Objects -}}
- {{ $resource.Kind }} {{ $resource.Name }}
  Changes:
{{- range $_, $change := $changes }}
    - {{ $change.OldValue }} -> {{ $change.NewValue }}
{{ end -}}
{{ end -}}
"#, Ok(r#"Automated image update

Automation name: flux-system/fleet

Files:
- deploy.yaml
- release.yaml
- values.yaml
Objects:
-  
  Changes:
    - 1.9 -> 1.10
- Deployment app
  Changes:
    - ghcr.io/acme/app:1.9.0 -> ghcr.io/acme/app:1.10.0
- HelmRelease chart
  Changes:
    - 1.9 -> 1.10
"#)),
    (r#"docs_files"#, r#"Automated image update

Automation name: {{ .AutomationObject }}

{{ range $filename, $objects := .Changed.FileChanges -}}
- File: {{ $filename }}
{{- range $resource, $changes := $objects }}
  - Object: {{ $resource.Kind }}/{{ $resource.Namespace }}/{{ $resource.Name }}
    Changes:
{{- range $_, $change := $changes }}
      - {{ $change.OldValue }} -> {{ $change.NewValue }} ({{ $change.Setter }})
{{- end }}
{{- end }}
{{ end -}}
"#, Ok(r#"Automated image update

Automation name: flux-system/fleet

- File: deploy.yaml
  - Object: Deployment/apps/app
    Changes:
      - ghcr.io/acme/app:1.9.0 -> ghcr.io/acme/app:1.10.0 (flux-system:app)
- File: release.yaml
  - Object: HelmRelease/apps/chart
    Changes:
      - 1.9 -> 1.10 (flux-system:chart:tag)
- File: values.yaml
  - Object: //
    Changes:
      - 1.9 -> 1.10 (flux-system:chart:tag)
"#)),
    (r#"automation_object"#, r#"{{ .AutomationObject }} {{ .AutomationObject.Name }} {{ .AutomationObject.Namespace }} {{ .AutomationObject.String }}"#, Ok(r#"flux-system/fleet fleet flux-system flux-system/fleet"#)),
    (r#"object_keys_printed"#, r#"{{ range $o, $c := .Changed.Objects }}{{ $o }}={{ $c }};{{ end }}"#, Ok(r#"{{{ } { }}}=[{1.9 1.10 flux-system:chart:tag}];{{{apps/v1 Deployment} {app apps}}}=[{ghcr.io/acme/app:1.9.0 ghcr.io/acme/app:1.10.0 flux-system:app}];{{{helm.toolkit.fluxcd.io/v2 HelmRelease} {chart apps}}}=[{1.9 1.10 flux-system:chart:tag}];"#)),
    (r#"file_changes_printed"#, r#"{{ .Changed.FileChanges }}"#, Ok(r#"map[deploy.yaml:map[{{{apps/v1 Deployment} {app apps}}}:[{ghcr.io/acme/app:1.9.0 ghcr.io/acme/app:1.10.0 flux-system:app}]] release.yaml:map[{{{helm.toolkit.fluxcd.io/v2 HelmRelease} {chart apps}}}:[{1.9 1.10 flux-system:chart:tag}]] values.yaml:map[{{{ } { }}}:[{1.9 1.10 flux-system:chart:tag}]]]"#)),
    (r#"whole_data"#, r#"{{ . }}"#, Ok(r#"{flux-system/fleet {map[deploy.yaml:map[{{{apps/v1 Deployment} {app apps}}}:[{ghcr.io/acme/app:1.9.0 ghcr.io/acme/app:1.10.0 flux-system:app}]] release.yaml:map[{{{helm.toolkit.fluxcd.io/v2 HelmRelease} {chart apps}}}:[{1.9 1.10 flux-system:chart:tag}]] values.yaml:map[{{{ } { }}}:[{1.9 1.10 flux-system:chart:tag}]]]} map[env:prod]}"#)),
    (r#"whole_changed"#, r#"{{ .Changed }}"#, Ok(r#"{map[deploy.yaml:map[{{{apps/v1 Deployment} {app apps}}}:[{ghcr.io/acme/app:1.9.0 ghcr.io/acme/app:1.10.0 flux-system:app}]] release.yaml:map[{{{helm.toolkit.fluxcd.io/v2 HelmRelease} {chart apps}}}:[{1.9 1.10 flux-system:chart:tag}]] values.yaml:map[{{{ } { }}}:[{1.9 1.10 flux-system:chart:tag}]]]}"#)),
    (r#"sprig_mix"#, r#"{{ upper .Values.env }} {{ $imgs := list }}{{ range .Changed.Changes }}{{ $imgs = append $imgs .NewValue }}{{ end }}{{ join ", " (sortAlpha (uniq $imgs)) }} {{ trunc 7 "abcdefghij" }} {{ trunc -3 "abcdefghij" }} {{ .Values.missing | default "none" }} {{ default "x" .Values.env }}"#, Ok(r#"PROD 1.10, ghcr.io/acme/app:1.10.0 abcdefg hij none prod"#)),
    (r#"values"#, r#"env={{ .Values.env }} missing={{ .Values.missing }}"#, Ok(r#"env=prod missing=<no value>"#)),
    (r#"missing_value"#, r#"{{ .Values.missing }}"#, Ok(r#"<no value>"#)),
    (r#"changes_sorted"#, r#"{{ len .Changed.Changes }}: {{ join "," (sortAlpha .Changed.Changes) }}"#, Ok(r#"2: {1.9 1.10 flux-system:chart:tag},{ghcr.io/acme/app:1.9.0 ghcr.io/acme/app:1.10.0 flux-system:app}"#)),
    (r#"changes_index"#, r#"{{ range $i, $c := .Changed.Changes }}{{ $i }}{{ end }}"#, Ok(r#"01"#)),
    (r#"parse_unknown_function"#, r#"{{ foo . }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: function "foo" not defined"#)),
    (r#"parse_unknown_function_line2"#, r#"line1
{{ .AutomationObject }}
{{ bar }}"#, Err(r#"unable to create commit message template from spec: template: commit message:3: function "bar" not defined"#)),
    (r#"parse_unclosed_action"#, r#"Update {{ .AutomationObject "#, Err(r#"unable to create commit message template from spec: template: commit message:1: unclosed action"#)),
    (r#"parse_unclosed_action_line2"#, r#"a
{{ .AutomationObject 
b"#, Err(r#"unable to create commit message template from spec: template: commit message:3: function "b" not defined"#)),
    (r#"parse_unexpected_eof"#, r#"{{ range .Changed.Changes }}x"#, Err(r#"unable to create commit message template from spec: template: commit message:1: unexpected EOF"#)),
    (r#"parse_unexpected_end"#, r#"x{{ end }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: unexpected {{end}}"#)),
    (r#"parse_undefined_variable"#, r#"{{ $x }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: undefined variable "$x""#)),
    (r#"parse_missing_value"#, r#"{{ }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: missing value for command"#)),
    (r#"parse_bad_char"#, r#"{{ .Values.env # }}"#, Err(r##"unable to create commit message template from spec: template: commit message:1: unexpected "#" in operand"##)),
    (r#"parse_unterminated_string"#, r#"{{ "abc }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: unterminated quoted string"#)),
    (r#"parse_else_outside"#, r#"{{ else }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: unexpected {{else}}"#)),
    (r#"parse_break_outside"#, r#"{{ break }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: {{break}} outside {{range}}"#)),
    (r#"exec_removed_updated"#, r#"{{ range .Updated.Images }}{{ . }}{{ end }}"#, Err(r#"template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"#)),
    (r#"exec_removed_image_result"#, r#"{{ .Changed.ImageResult }}"#, Err(r#"template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"#)),
    (r#"exec_unknown_field"#, r#"Automation {{ .Nope }}"#, Err(r#"failed to run template from spec: template: commit message:1:14: executing "commit message" at <.Nope>: can't evaluate field Nope in type source.TemplateData"#)),
    (r#"exec_field_of_string"#, r#"{{ .Values.env.x }}"#, Err(r#"failed to run template from spec: template: commit message:1:10: executing "commit message" at <.Values.env.x>: can't evaluate field x in type string"#)),
    (r#"exec_field_of_missing"#, r#"[{{ .Values.missing.x }}]"#, Ok(r#"[<no value>]"#)),
    (r#"exec_upper_missing"#, r#"{{ upper .Values.missing }}"#, Err(r#"failed to run template from spec: template: commit message:1:16: executing "commit message" at <.Values.missing>: invalid value; expected string"#)),
    (r#"exec_upper_missing_piped"#, r#"{{ .Values.missing | upper }}"#, Err(r#"failed to run template from spec: template: commit message:1:21: executing "commit message" at <upper>: invalid value; expected string"#)),
    (r#"exec_upper_int"#, r#"{{ upper 3 }}"#, Err(r#"failed to run template from spec: template: commit message:1:9: executing "commit message" at <3>: expected string; found 3"#)),
    (r#"exec_trunc_string"#, r#"{{ trunc "a" "b" }}"#, Err(r#"failed to run template from spec: template: commit message:1:9: executing "commit message" at <"a">: expected integer; found "a""#)),
    (r#"exec_upper_noargs"#, r#"{{ upper }}"#, Err(r#"failed to run template from spec: template: commit message:1:3: executing "commit message" at <upper>: wrong number of args for upper: want 1 got 0"#)),
    (r#"exec_upper_two"#, r#"{{ upper "a" "b" }}"#, Err(r#"failed to run template from spec: template: commit message:1:3: executing "commit message" at <upper>: wrong number of args for upper: want 1 got 2"#)),
    (r#"exec_upper_struct"#, r#"{{ upper .AutomationObject }}"#, Err(r#"failed to run template from spec: template: commit message:1:9: executing "commit message" at <.AutomationObject>: wrong type for value; expected string; got types.NamespacedName"#)),
    (r#"exec_objects_field"#, r#"{{ .Changed.Objects.Kind }}"#, Err(r#"failed to run template from spec: template: commit message:1:11: executing "commit message" at <.Changed.Objects.Kind>: can't evaluate field Kind in type update.ObjectChanges"#)),
    (r#"exec_range_string"#, r#"{{ range .Values.env }}x{{ end }}"#, Err(r#"failed to run template from spec: template: commit message:1:16: executing "commit message" at <.Values.env>: range can't iterate over prod"#)),
    (r#"exec_uniq_string"#, r#"{{ uniq .Values.env }}"#, Err(r#"failed to run template from spec: template: commit message:1:3: executing "commit message" at <uniq .Values.env>: error calling uniq: Cannot find uniq on type string"#)),
    (r#"exec_nonfunction"#, r#"{{ .Values.env "x" }}"#, Err(r#"failed to run template from spec: template: commit message:1:10: executing "commit message" at <.Values.env>: env is not a method but has arguments"#)),
    (r#"trim_and_comments"#, r#"a  {{- /* c */ -}}  b {{- " x " -}} 
 c {{/* plain */}}d"#, Ok(r#"ab x c d"#)),
    (r#"if_else_if"#, r#"{{ if eq .Values.env "prod" }}P{{ else if eq .Values.env "dev" }}D{{ else }}O{{ end }}{{ if eq .Values.env "dev" }}D{{ else if ne .Values.env "x" }}N{{ end }}"#, Ok(r#"PN"#)),
    (r#"with_else"#, r#"{{ with .Values.env }}[{{ . }}]{{ end }}{{ with .Values.missing }}[{{ . }}]{{ else }}none{{ end }}"#, Ok(r#"[prod]none"#)),
    (r#"and_or_not"#, r#"{{ and .Values.env "y" }} {{ or .Values.missing "d" }} {{ not .Values.env }} {{ and 1 0 2 }} {{ or 0 "" }}"#, Ok(r#"y d false 0 "#)),
    (r#"range_else"#, r#"{{ range .Values.nothing }}x{{ else }}empty{{ end }}"#, Ok(r#"empty"#)),
    (r#"range_break_continue"#, r#"{{ range $i, $v := list 1 2 3 4 5 }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if gt $v 4 }}{{ break }}{{ end }}{{ $v }}{{ end }}"#, Ok(r#"134"#)),
    (r#"range_one_var"#, r#"{{ range $v := list "a" "b" }}{{ $v }}{{ end }}"#, Ok(r#"ab"#)),
    (r#"range_int"#, r#"{{ range 3 }}{{ . }}{{ end }}"#, Ok(r#"012"#)),
    (r#"index_values"#, r#"{{ index .Values "env" }} [{{ index .Values "nope" }}]"#, Ok(r#"prod []"#)),
    (r#"quote_squote"#, r#"{{ quote .Values.env "a\"b" }} {{ squote .AutomationObject }} {{ quote 3 }}"#, Ok(r#""prod" "a\"b" 'flux-system/fleet' "3""#)),
    (r#"string_funcs"#, r#"{{ title "hello image-automation world" }} {{ lower "ABC" }} [{{ trim "  x  " }}] {{ replace "a" "b" "banana" }} {{ contains "an" "banana" }} {{ hasPrefix "ba" "banana" }} {{ hasSuffix "x" "banana" }} {{ trimPrefix "ghcr.io/" "ghcr.io/acme/app" }}"#, Ok(r#"Hello Image-Automation World abc [x] bbnbnb true true false acme/app"#)),
    (r#"printf"#, r#"{{ printf "%s/%s %d %q %v" .AutomationObject.Namespace .AutomationObject.Name 3 .Values.env .AutomationObject }} {{ printf "%s" .AutomationObject }} {{ printf "%d" "x" }} {{ printf "%s" }} {{ printf "a" 1 }}"#, Ok(r#"flux-system/fleet 3 "prod" flux-system/fleet flux-system/fleet %!d(string=x) %!s(MISSING) a%!(EXTRA int=1)"#)),
    (r#"print"#, r#"{{ print "a" 1 2 "b" }} {{ println "a" 1 }}"#, Ok(r#"a1 2b a 1
"#)),
    (r#"variables_scope"#, r#"{{ $x := "outer" }}{{ if true }}{{ $x := "inner" }}{{ $x }}{{ end }} {{ $x }}{{ if true }}{{ $x = "set" }}{{ end }} {{ $x }}"#, Ok(r#"inner outer set"#)),
    (r#"pipeline_chain"#, r#"{{ .Values.env | upper | printf "<%s>" }} {{ index (sortAlpha .Changed.Changes) 0 | len }}"#, Ok(r#"<PROD> 32"#)),
    (r#"empty_template"#, r#""#, Ok(r#"Update from image update automation"#)),
    (r#"no_action"#, r#"Bump images
"#, Ok(r#"Bump images
"#)),
    (r#"eq_missing"#, r#"{{ eq .Values.missing "x" }}"#, Ok(r#"false"#)),
    (r#"len_objects"#, r#"{{ len .Changed.Objects }} {{ len .Changed.FileChanges }} {{ len .Values }}"#, Ok(r#"3 3 1"#)),
    (r#"first_last"#, r#"{{ first (list 1 2 3) }} {{ last (list 1 2 3) }}"#, Ok(r#"1 3"#)),
    (r#"objects_kinds"#, r#"{{ range $o, $_ := .Changed.Objects }}[{{ $o.APIVersion }}|{{ $o.Kind }}|{{ $o.Name }}|{{ $o.Namespace }}]{{ end }}"#, Ok(r#"[|||][apps/v1|Deployment|app|apps][helm.toolkit.fluxcd.io/v2|HelmRelease|chart|apps]"#)),
    (r#"objects_resource_identifier"#, r#"{{ range $o, $_ := .Changed.Objects }}{{ $o.ResourceIdentifier }} {{ $o.TypeMeta }} {{ $o.ResourceIdentifier.NameMeta.Name }};{{ end }}"#, Ok(r#"{{ } { }} { } ;{{apps/v1 Deployment} {app apps}} {apps/v1 Deployment} app;{{helm.toolkit.fluxcd.io/v2 HelmRelease} {chart apps}} {helm.toolkit.fluxcd.io/v2 HelmRelease} chart;"#)),
    (r#"default_empty"#, r#"{{ default "d" "" }} {{ default "d" .Values.missing }} {{ default "d" (list) }} {{ default "d" 0 }}"#, Ok(r#"d d d d"#)),
    (r#"chained_paren_field"#, r#"{{ (.AutomationObject).Name }}"#, Ok(r#"fleet"#)),
    (r#"root_in_range"#, r#"{{ range $f, $_ := .Changed.FileChanges }}{{ $.AutomationObject.Name }}:{{ $f }} {{ end }}"#, Ok(r#"fleet:deploy.yaml fleet:release.yaml fleet:values.yaml "#)),
    (r#"range_values"#, r#"{{ range $k, $v := .Values }}{{ $k }}={{ $v }}{{ end }}"#, Ok(r#"env=prod"#)),
    (r#"with_decl"#, r#"{{ with $x := .Values.env }}{{ $x }}{{ . }}{{ end }}"#, Ok(r#"prodprod"#)),
    (r#"else_with"#, r#"{{ with .Values.nope }}A{{ else with .Values.env }}B{{ . }}{{ else }}C{{ end }}"#, Ok(r#"Bprod"#)),
    (r#"and_parens"#, r#"{{ if and (eq .Values.env "prod") (gt (len .Changed.Changes) 1) }}yes{{ else }}no{{ end }}"#, Ok(r#"yes"#)),
    (r#"comment_trims"#, r#"a 
 {{- /* x */}} b {{/* y */ -}} 
 c"#, Ok(r#"a b c"#)),
    (r#"pipe_final_arg"#, r#"{{ "a" | printf "%s-%s" "b" }} {{ .AutomationObject | printf "%v" }}"#, Ok(r#"b-a flux-system/fleet"#)),
    (r#"eq_incompatible"#, r#"{{ eq 1 "a" }}"#, Err(r#"failed to run template from spec: template: commit message:1:3: executing "commit message" at <eq 1 "a">: error calling eq: incompatible types for comparison: int and string"#)),
    (r#"lt_strings"#, r#"{{ lt "a" "b" }} {{ ge 2 3 }} {{ le 3 3 }}"#, Ok(r#"true false true"#)),
    (r#"index_file_changes"#, r#"{{ index .Changed.FileChanges "deploy.yaml" }}"#, Ok(r#"map[{{{apps/v1 Deployment} {app apps}}}:[{ghcr.io/acme/app:1.9.0 ghcr.io/acme/app:1.10.0 flux-system:app}]]"#)),
    (r#"nested_dot_ranges"#, r#"{{ range .Changed.FileChanges }}{{ range . }}{{ range . }}{{ .NewValue }};{{ end }}{{ end }}{{ end }}"#, Ok(r#"ghcr.io/acme/app:1.10.0;1.10;1.10;"#)),
    (r#"len_bytes"#, r#"{{ len "héllo" }}"#, Ok(r#"6"#)),
    (r#"trunc_bytes"#, r#"{{ trunc 2 "héllo" }}"#, Ok(r#"h�"#)),
    (r#"raw_string"#, r#"{{ `a\nb` }}"#, Ok(r#"a\nb"#)),
    (r#"numbers"#, r#"{{ 0x10 }} {{ -3 }} {{ 'a' }}"#, Ok(r#"16 -3 97"#)),
    (r#"values_map"#, r#"{{ .Values }}"#, Ok(r#"map[env:prod]"#)),
    (r#"range_var_scope"#, r#"{{ range $i, $c := .Changed.Changes }}{{ end }}{{ $i }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: undefined variable "$i""#)),
    (r#"objects_dot"#, r#"{{ range .Changed.Objects }}{{ . }}{{ end }}"#, Ok(r#"[{1.9 1.10 flux-system:chart:tag}][{ghcr.io/acme/app:1.9.0 ghcr.io/acme/app:1.10.0 flux-system:app}][{1.9 1.10 flux-system:chart:tag}]"#)),
    (r#"not_noargs"#, r#"{{ not }}"#, Err(r#"failed to run template from spec: template: commit message:1:3: executing "commit message" at <not>: wrong number of args for not: want 1 got 0"#)),
    (r#"printf_noargs"#, r#"{{ printf }}"#, Err(r#"failed to run template from spec: template: commit message:1:3: executing "commit message" at <printf>: wrong number of args for printf: want at least 1 got 0"#)),
    (r#"nil_command"#, r#"{{ nil }}"#, Err(r#"failed to run template from spec: template: commit message:1:3: executing "commit message" at <nil>: nil is not a command"#)),
    (r#"len_piped"#, r#"{{ .Values.env | len }}"#, Ok(r#"4"#)),
    (r#"removed_field_not_run"#, r#"{{ if false }}{{ .Updated }}{{ end }}ok"#, Ok(r#"ok"#)),
    (r#"title_unicode"#, r#"{{ title "élan vital_x ça" }}"#, Ok(r#"Élan Vital_x Ça"#)),
    (r#"dollar_field"#, r#"{{ $.Values.env }}"#, Ok(r#"prod"#)),
    (r#"assign_in_range"#, r#"{{ $n := 0 }}{{ range .Changed.Objects }}{{ $n = len . }}{{ end }}{{ $n }}"#, Ok(r#"1"#)),
    (r#"assign_undefined"#, r#"{{ $y = 1 }}"#, Err(r#"failed to run template from spec: template: commit message:1:8: executing "commit message" at <1>: undefined variable: $y"#)),
    (r#"decl_self_reference"#, r#"{{ $z := $z }}"#, Err(r#"failed to run template from spec: template: commit message:1:9: executing "commit message" at <$z>: undefined variable: $z"#)),
    (r#"paren_pipeline"#, r#"{{ (printf "%s" "x") }} {{ (.Values).env }}"#, Ok(r#"x prod"#)),
    (r#"cat_nospace_repeat"#, r#"{{ cat "a" 1 "b" }} {{ nospace " a b " }} {{ repeat 3 "ab" }}"#, Ok(r#"a 1 b ab ababab"#)),
    (r#"coalesce_empty"#, r#"{{ coalesce .Values.missing "" "c" }} {{ empty .Values.missing }} {{ empty "x" }}"#, Ok(r#"c true false"#)),
    (r#"split_list"#, r#"{{ range splitList ":" "a:b:c" }}[{{ . }}]{{ end }}"#, Ok(r#"[a][b][c]"#)),
    (r#"sort_uniq_setters"#, r#"{{ $s := list }}{{ range .Changed.Changes }}{{ $s = append $s .Setter }}{{ end }}{{ range sortAlpha (uniq $s) }}{{ . }} {{ end }}"#, Ok(r#"flux-system:app flux-system:chart:tag "#)),
    (r#"has_func"#, r#"{{ has "a" (list "a" "b") }} {{ has "z" (list "a") }}"#, Ok(r#"true false"#)),
    (r#"trimall"#, r#"{{ trimAll "-" "--a-b--" }}"#, Ok(r#"a-b"#)),
    (r#"break_in_if_in_range"#, r#"{{ range list 1 2 3 }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}"#, Ok(r#"1"#)),
    (r#"multiline_action"#, r#"{{ range $f, $_ :=
 .Changed.FileChanges }}{{ $f }} {{ end }}"#, Ok(r#"deploy.yaml release.yaml values.yaml "#)),
    (r#"unclosed_comment"#, r#"{{/* x }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: unclosed comment"#)),
    (r#"unexpected_rparen"#, r#"{{ ) }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: unexpected right paren"#)),
    (r#"bad_number"#, r#"{{ 1.5x }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: bad number syntax: "1.5x""#)),
    (r#"range_two_vars_error"#, r#"{{ range $a, $b, $c := .Values }}{{ end }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: too many declarations in range"#)),
    (r#"decl_comma_outside_range"#, r#"{{ $a, $b := .Values }}"#, Err(r#"unable to create commit message template from spec: template: commit message:1: too many declarations in command"#)),
    (r#"printf_q_struct"#, r#"{{ printf "%q" .AutomationObject }}"#, Ok(r#""flux-system/fleet""#)),
    (r#"toString"#, r#"{{ toString 3 }} {{ toString .AutomationObject }}"#, Ok(r#"3 flux-system/fleet"#)),
    (r#"quote_missing"#, r#"{{ quote .Values.missing }}|"#, Ok(r#"|"#)),
    (r#"missing_key_compare"#, r#"{{ if .Values.missing }}y{{ else }}n{{ end }}"#, Ok(r#"n"#)),
];

#[test]
fn renders_as_go_text_template_does() {
    let mut failed = Vec::new();
    for (name, template, want) in CASES {
        let got = run(template);
        let ok = match (&got, want) {
            (Ok(g), Ok(w)) => g == w,
            (Err(Error::Controller(g)), Err(w)) => g == w,
            _ => false,
        };
        if !ok {
            failed.push(format!("{name}:\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(failed.is_empty(), "{} of {} differ:\n{}", failed.len(), CASES.len(), failed.join("\n"));
}
