//! "Aggiornamento da chiavetta" in the Informazioni screen (issue 14 item 2):
//! any operator may look at what a package on a stick is; only an
//! administrator installs it, and the attempt is on record before anything
//! is checked, so a refused forgery leaves its trace too.

use std::path::Path;

use serde::Serialize;

use super::{Action, Service};
use crate::error::Error;
use crate::update::{self, Checked};

/// What `update_install` answers once the system's installer is done.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateInstalled {
    pub version: String,
    pub target: &'static str,
    pub sha256: String,
}

impl Service {
    /// The verdict on a package and its signature (beside it as `NAME.sig`
    /// unless given). Touches nobody's data.
    pub fn update_check(&self, package: &Path, signature: Option<&Path>) -> Result<update::Report, Error> {
        self.run(Action::UpdateCheck, None, |_, _| Ok(()))?;
        update::report(package, &signature.map_or_else(|| update::signature_path(package), Path::to_path_buf))
    }

    /// Verifies the package and hands it to the system's installer.
    pub fn update_install(&self, package: &Path, signature: Option<&Path>) -> Result<UpdateInstalled, Error> {
        self.update_install_with(package, signature, update::install::install)
    }

    /// [`Service::update_install`] with the installer given: the tests pass
    /// one that records what it was handed instead of running `dpkg`.
    #[doc(hidden)]
    pub fn update_install_with(
        &self,
        package: &Path,
        signature: Option<&Path>,
        installer: impl FnOnce(&Checked) -> Result<(), Error>,
    ) -> Result<UpdateInstalled, Error> {
        self.run(Action::UpdateInstall, None, |_, _| Ok(()))?;
        let signature = signature.map_or_else(|| update::signature_path(package), Path::to_path_buf);
        let checked = update::check(package, &signature)?;
        installer(&checked)?;
        let s = checked.statement();
        Ok(UpdateInstalled {
            version: s.version.to_string(),
            target: s.target.as_str(),
            sha256: s.sha256_hex(),
        })
    }
}
