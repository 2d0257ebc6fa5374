//! Build images: the default, the package manager an image uses, the install command, and the cache volume
//! with the variables that put each tool's cache in it.

use super::*;

pub(crate) fn default_image(_target: &TargetSpec) -> String {
    // Docker picks the platform's variant of the multi-architecture image from the container's platform.
    format!("alpine:{ALPINE_VERSION}")
}

/// The repository name of an image reference, without registry, namespace, tag or digest.
pub(crate) fn image_repo(image: &str) -> &str {
    let repo = image.rsplit('/').next().unwrap_or(image);
    repo.split([':', '@']).next().unwrap_or(repo)
}

/// An official Rust image (`rust:*`), whose toolchain is rustup's: it adds other targets' standard
/// libraries, and the distribution's rustc and cargo are not needed.
pub(crate) fn is_rustup_image(image: &str) -> bool {
    image_repo(image).starts_with("rust")
}

pub(crate) fn detect_package_manager(image: &str) -> Option<PackageManager> {
    match image_repo(image) {
        "alpine" => Some(PackageManager::Apk),
        "debian" | "ubuntu" | "buildpack-deps" => Some(PackageManager::Apt),
        n if n.starts_with("golang") || n.starts_with("rust") => {
            // Official language images: `-alpine` variants use apk, the rest are Debian.
            Some(if image.contains("alpine") {
                PackageManager::Apk
            } else {
                PackageManager::Apt
            })
        }
        _ if image.contains("alpine") => Some(PackageManager::Apk),
        _ => None,
    }
}

/// The install of `packages`, and for a cross build with a C toolchain, of the target's packages: on Debian
/// `dpkg --add-architecture <arch>` and each as `<package>:<arch>` where it is the target's
/// ([`APT_TARGET_RULE`]); on Alpine `apk add --arch <arch> --root` [`SYSROOT_DIR`] `--initdb`, with the
/// target's signing keys.
pub(crate) fn install_command(
    pm: PackageManager,
    packages: &[String],
    cross: Option<(&Toolchain, &[String])>,
    cached: bool,
) -> Option<String> {
    let (kind, target_packages) = match cross {
        Some((t, packages)) => (Some(t.kind), packages),
        None => (None, &[][..]),
    };
    if packages.is_empty() && target_packages.is_empty() {
        return None;
    }
    let quoted = |list: &[String]| {
        list.iter()
            .map(|p| shell_quote(p))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let list = quoted(packages);
    match pm {
        PackageManager::Apk => {
            let cache = if cached {
                format!("mkdir -p {CACHE_DIR}/apk && ")
            } else {
                String::new()
            };
            let cache_opt = if cached {
                format!(" --cache-dir {CACHE_DIR}/apk")
            } else {
                String::new()
            };
            let mut lines = Vec::new();
            if !packages.is_empty() {
                lines.push(format!("{cache}apk add{cache_opt} {list}"));
            }
            if let Some(ToolchainKind::Alpine(AlpineArch { arch, .. })) = kind {
                if !target_packages.is_empty() {
                    // The target's packages in a sysroot of their own, signed by the target's keys (the
                    // image's /etc/apk/keys holds its own architecture's only).
                    lines.push(format!(
                        "mkdir -p {SYSROOT_DIR}/etc/apk/keys && cp /usr/share/apk/keys/{arch}/*.pub {SYSROOT_DIR}/etc/apk/keys/ && cp /etc/apk/repositories {SYSROOT_DIR}/etc/apk/"
                    ));
                    lines.push(format!(
                        "{cache}apk add{cache_opt} --root {SYSROOT_DIR} --arch {arch} --initdb --no-scripts {}",
                        quoted(target_packages)
                    ));
                }
            }
            Some(lines.join("\n"))
        }
        PackageManager::Apt => {
            let (prelude, list) = match kind {
                Some(ToolchainKind::Debian(DebianArch { arch, .. }))
                    if !target_packages.is_empty() =>
                {
                    (
                        format!(
                            "dpkg --add-architecture {arch}\n{}\n",
                            apt_target_function(arch)
                        ),
                        format!("{list} $(sb_for_target {})", quoted(target_packages))
                            .trim_start()
                            .to_string(),
                    )
                }
                _ => (String::new(), list),
            };
            Some(if cached {
                format!("{prelude}{}", apt_cached_install(&list))
            } else {
                format!(
                    "{prelude}apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-unsafe-io {list}"
                )
            })
        }
        PackageManager::None => None,
    }
}

/// How long the package index kept in the cache volume is used before `apt-get update` runs again, in
/// minutes (the installed environment, which skips the install altogether, is kept for longer).
pub const APT_INDEX_MAX_AGE_MINUTES: u32 = 1440;

/// apt with its downloads and its package index in the cache volume, so that a build whose volume came back
/// from a cache (`static-build cache import`) downloads nothing: `apt-get update` runs only when the kept
/// index is missing or older than [`APT_INDEX_MAX_AGE_MINUTES`], or when the install fails with the kept
/// index (a package it does not know, or a file the mirror no longer has). `-q`, not `-qq`: the log shows
/// each download (`Get:`), and so whether there was any. dpkg unpacks without syncing each file
/// (`--force-unsafe-io`, as Docker's Debian images set it): a container that crashes is thrown away. apt's
/// binary caches of the index (`pkgcache.bin`, `srcpkgcache.bin`, 70 MB for Debian) are not written: they
/// would only weigh down the installed environment and its snapshot.
fn apt_cached_install(list: &str) -> String {
    let dir = format!("{CACHE_DIR}/apt");
    format!(
        r#"sb_apt={dir}
sb_apt_o="-o Dir::Cache::archives=$sb_apt/archives -o Dir::State::Lists=$sb_apt/lists -o Acquire::Languages=none -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache="
mkdir -p "$sb_apt/archives/partial" "$sb_apt/lists/partial"
sb_apt_update() {{ apt-get update -q $sb_apt_o && touch "$sb_apt/updated"; }}
sb_apt_install() {{ DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-unsafe-io $sb_apt_o {list}; }}
if [ -n "$(find "$sb_apt/updated" -mmin -{APT_INDEX_MAX_AGE_MINUTES} 2>/dev/null)" ]; then
  echo "static-build: apt: the package index kept in the cache volume is less than {hours} hours old: not updated"
  sb_apt_install || {{ echo "static-build: apt: the install failed with the kept index; updating it and trying again"; sb_apt_update; sb_apt_install; }}
else
  sb_apt_update; sb_apt_install
fi"#,
        hours = APT_INDEX_MAX_AGE_MINUTES / 60
    )
}

/// The cache variables each preset's toolchain honours, pointed into the cache volume. Cargo's target
/// directory is there too, so that a second build recompiles no dependency (the project's files keep their
/// modification times in the container, so cargo still rebuilds what changed).
pub(crate) fn cache_env(preset: Preset) -> Vec<(String, String)> {
    let v = |k: &str, sub: &str| (k.to_string(), format!("{CACHE_DIR}/{sub}"));
    match preset {
        Preset::Go => vec![v("GOCACHE", "go-build"), v("GOMODCACHE", "go-mod")],
        Preset::Rust => vec![
            v("CARGO_HOME", "cargo"),
            v("CARGO_TARGET_DIR", "cargo-target"),
        ],
        Preset::C | Preset::Script => vec![v("CCACHE_DIR", "ccache")],
    }
}

/// Where the distributions put ccache's compiler links (`gcc`, `cc`, `g++`... that run ccache): Alpine's,
/// then Debian's. First on `PATH`, they make every compiler call of a build go through ccache.
pub const CCACHE_LINK_DIRS: &[&str] = &["/usr/lib/ccache/bin", "/usr/lib/ccache"];

/// A volume name from the image, target, preset and project key (Docker volume names allow `[a-zA-Z0-9_.-]`).
pub(crate) fn cache_volume_name(image: &str, target: &str, preset: Preset, key: &str) -> String {
    // `target` is the target's name, with `-cross` for a cross build (its toolchain writes other caches).
    let image: String = image
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    format!(
        "static-build-cache_{}_{target}_{image}_{key}",
        preset.label()
    )
}
