//! The standalone app: mounts the screen into `<div id="thryve-connect">`.

fn main() {
    console_error_panic_hook::set_once();
    thryve_connect::mount_by_id(thryve_connect::MOUNT_ID);
}
