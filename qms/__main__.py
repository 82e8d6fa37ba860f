from qms.cli import main

raise SystemExit(main())
