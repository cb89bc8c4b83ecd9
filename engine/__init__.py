"""Reference encoding of 文民发[2023]25号: loading, checking and querying the policy."""
