fn main() -> std::process::ExitCode {
    kubectl_imagepolicy::main_with_args(std::env::args_os())
}
