from qms.process.cli import main

raise SystemExit(main())
