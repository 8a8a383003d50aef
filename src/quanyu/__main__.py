from quanyu.cli import main

main()
